//! A driver for profiling the INI merge chain under callgrind or perf
//! (`merge_profile [CHAINS]`); it prints a rough median, but figures come
//! from the criterion bench `merge`. `merge_profile --dump` prints all
//! 8,000 outputs in the bench-data README's order, for its sha256.
use std::fs;
use std::time::Instant;

use kolla_core::config::IniMerge;

fn main() {
    let arg = std::env::args().nth(1);
    let dump = arg.as_deref() == Some("--dump");
    let fleet = arg.as_deref() == Some("--fleet");
    let n: usize = if dump || fleet {
        8000
    } else {
        arg.map_or(2000, |s| s.parse().unwrap())
    };
    let root = kolla_benches::bench_data().join("merge");
    let read = |rel: &str| (rel.to_owned(), fs::read_to_string(root.join(rel)).unwrap());
    let list = |f: &str| -> Vec<String> {
        fs::read_to_string(root.join(f))
            .unwrap()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    let common: Vec<_> = [
        "base/nova.conf",
        "custom/global.conf",
        "custom/database.conf",
        "custom/messaging.conf",
        "custom/nova.conf",
    ]
    .iter()
    .map(|p| read(p))
    .collect();
    let services: Vec<_> = list("services.txt")
        .iter()
        .map(|s| read(&format!("custom/nova/{s}.conf")))
        .collect();
    let hosts: Vec<_> = list("hosts.txt")
        .iter()
        .take(if dump || fleet { 1000 } else { 100 })
        .map(|h| read(&format!("custom/nova/{h}/nova.conf")))
        .collect();
    let out_dir = std::env::temp_dir().join(format!("kolla-fleet-{}", std::process::id()));
    if fleet {
        fs::create_dir_all(&out_dir).unwrap();
    }
    let started = Instant::now();
    let mut times = Vec::with_capacity(n);
    let mut total = 0usize;
    for i in 0..n {
        let host = &hosts[(i / services.len()) % hosts.len()];
        let service = &services[i % services.len()];
        let t = Instant::now();
        let mut m = IniMerge::new();
        for (name, text) in common.iter().chain([service, host]) {
            m.add(name, text).unwrap();
        }
        let out = m.write(true);
        times.push(t.elapsed().as_nanos() as u64);
        total += out.len();
        if fleet {
            fs::write(out_dir.join(format!("{i}.conf")), &out).unwrap();
        }
        if dump {
            use std::io::Write;
            std::io::stdout().write_all(out.as_bytes()).unwrap();
        }
    }
    if fleet {
        println!(
            "fleet: {n} chains, one file each, in {:?}",
            started.elapsed()
        );
        fs::remove_dir_all(&out_dir).unwrap();
    }
    if dump {
        return;
    }
    times.sort_unstable();
    println!(
        "n={n} median={:.1}us min={:.1}us bytes={total}",
        times[n / 2] as f64 / 1e3,
        times[0] as f64 / 1e3
    );
}
