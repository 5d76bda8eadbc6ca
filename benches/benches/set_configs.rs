//! kolla_set_configs on a temporary root: a copy run and a `--check` run
//! for a service-sized config (40 files plus a 200-file directory).

use criterion::{criterion_group, criterion_main, Criterion};
use kolla_core::set_configs::{self, ConfigFile, ConfigJson, Paths, Permission};

const CF: &str = "/var/lib/kolla/config_files";

fn setup() -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let me = set_configs::current_user_owner();
    set_configs::write_test_accounts(&paths).unwrap();
    let mut b = ConfigJson::builder("svc --foreground");
    for i in 0..40 {
        let src = format!("{CF}/f{i}.conf");
        std::fs::create_dir_all(paths.real(CF)).unwrap();
        std::fs::write(
            paths.real(&src),
            format!("[DEFAULT]\nkey{i} = {}\n", "v".repeat(200)),
        )
        .unwrap();
        b = b.config_file(
            ConfigFile::new(src, format!("/etc/svc/f{i}.conf"))
                .owner(&me)
                .perm("0640"),
        );
    }
    std::fs::create_dir_all(paths.real(&format!("{CF}/tree/sub"))).unwrap();
    for i in 0..200 {
        std::fs::write(paths.real(&format!("{CF}/tree/sub/t{i}")), "x = 1\n").unwrap();
    }
    b = b
        .config_file(
            ConfigFile::new(format!("{CF}/tree"), "/etc/svc/tree")
                .owner(&me)
                .perm("0600"),
        )
        .permission(Permission::new("/etc/svc", me.clone()).recurse(true));
    std::fs::write(
        paths.real(set_configs::CONFIG_JSON),
        b.build().to_json_pretty(),
    )
    .unwrap();
    (dir, paths)
}

fn bench(c: &mut Criterion) {
    let (_dir, paths) = setup();
    let mut g = c.benchmark_group("set_configs");
    g.sample_size(20);
    g.bench_function("copy_240_files", |b| {
        b.iter(|| {
            let mut log = std::io::sink();
            assert_eq!(
                set_configs::main(&paths, ["kolla_set_configs"], Some("COPY_ALWAYS"), &mut log),
                0
            );
        })
    });
    g.bench_function("check_240_files", |b| {
        b.iter(|| {
            let mut log = std::io::sink();
            assert_eq!(
                set_configs::main(&paths, ["kolla_set_configs", "--check"], None, &mut log),
                0
            );
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
