//! Creates, starts and inspects a container through the `ContainerEngine`
//! trait. Runs on the in-memory engine, so it needs nothing installed.

use kolla_core::engine::{ContainerEngine, ContainerSpec, MemoryEngine};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), kolla_core::Error> {
    let engine = MemoryEngine::new();
    engine.add_image("kolla/keystone:2025.1");
    let spec = ContainerSpec {
        name: "keystone".into(),
        image: "kolla/keystone:2025.1".into(),
        ..Default::default()
    };
    engine.create_container(&spec).await?;
    engine.start_container("keystone").await?;
    let info = engine
        .inspect_container("keystone")
        .await?
        .expect("created above");
    println!("{} ({}) is {}", info.name, info.image, info.status);
    Ok(())
}
