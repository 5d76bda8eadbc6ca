//! A driver for profiling the INI merge chain under callgrind or perf
//! (`merge_profile [CHAINS]`); it prints a rough median, but figures come
//! from the criterion bench `merge`. `merge_profile --dump` prints all
//! 8,000 outputs in the bench-data README's order, for its sha256;
//! `merge_profile --fleet` writes them as 8,000 files and times that.

use std::fs;
use std::io::Write;
use std::time::Instant;

use kolla_benches::MergeChains;

fn main() {
    let arg = std::env::args().nth(1);
    let (dump, fleet) = (
        arg.as_deref() == Some("--dump"),
        arg.as_deref() == Some("--fleet"),
    );
    // The fleet's clock includes reading the inputs, as upstream's 25.4 s does.
    let started = Instant::now();
    let chains = MergeChains::load(if dump || fleet { None } else { Some(100) });
    let read = started.elapsed();
    let n = if dump || fleet {
        chains.len()
    } else {
        arg.map_or(2000, |s| s.parse().expect("CHAINS is a number"))
    };
    let out_dir = std::env::temp_dir().join(format!("kolla-fleet-{}", std::process::id()));
    if fleet {
        fs::create_dir_all(&out_dir).unwrap();
    }
    let mut times = Vec::with_capacity(n);
    let mut stdout = std::io::stdout().lock();
    for i in 0..n {
        let t = Instant::now();
        let out = chains.merge(i);
        times.push(t.elapsed().as_nanos() as u64);
        if fleet {
            fs::write(out_dir.join(format!("{i}.conf")), &out).unwrap();
        }
        if dump {
            stdout.write_all(out.as_bytes()).unwrap();
        }
    }
    if fleet {
        println!(
            "fleet: {n} chains, one file each, in {:?} (reading the inputs: {read:?})",
            started.elapsed()
        );
        fs::remove_dir_all(&out_dir).unwrap();
    }
    if !dump {
        times.sort_unstable();
        let us = |ns: u64| ns as f64 / 1e3;
        println!(
            "n={n} median={:.1}us min={:.1}us",
            us(times[n / 2]),
            us(times[0])
        );
    }
}
