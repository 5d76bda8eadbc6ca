//! `kolla container`: run one `kolla_container` action, query facts, or
//! list the kolla containers on the engine.
//!
//! ```text
//! kolla container start_container --name keystone --image kolla/keystone:1 --env A=1 --volume kolla_logs:/var/log/kolla/
//! kolla container compare_container --params keystone.json
//! kolla container facts [NAME...] [--all] [--facts-action get_containers_state]
//! kolla container ps
//! kolla container spec
//! ```
//!
//! Actions print the module's result dict (exit 1 when it has `failed`),
//! exactly what the Ansible module returns: as JSON with `--format json`,
//! as `key: value` lines with `--format text`. `spec` prints the parameters
//! `--params` may hold (the module's argument spec, from the core).

use std::process::ExitCode;

use anyhow::Context;
use kolla_core::container::params::{ansible_argument_spec, ACTIONS};
use kolla_core::engine::{action, facts, ContainerEngine};
use serde_json::{json, Map, Value};

use crate::cli::Format;

/// Arguments of `kolla container`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A kolla_container action; `facts` (kolla_container_facts), `ps` (a
    /// table of the kolla containers), or `spec` (every parameter
    /// `--params` may hold, with its type and choices, as JSON).
    #[arg(value_parser = action_parser())]
    pub action: String,
    /// Container names, for `facts`.
    pub names: Vec<String>,
    /// The container (or volume) name.
    #[arg(long)]
    pub name: Option<String>,
    /// The image.
    #[arg(long)]
    pub image: Option<String>,
    /// The command, as one shell-quoted string.
    #[arg(long)]
    pub command: Option<String>,
    /// A volume, `src:dst[:mode]` (repeatable).
    #[arg(long = "volume")]
    pub volumes: Vec<String>,
    /// An environment variable, `KEY=VALUE` (repeatable).
    #[arg(long = "env")]
    pub env: Vec<String>,
    /// A JSON object file with more module parameters; the flags above win.
    /// Keys are kolla_container's parameters (`kolla container spec` lists
    /// them with types and choices), e.g.
    /// `{"labels": {"k": "v"}, "privileged": true, "tmpfs": ["/tmp"],
    /// "dimensions": {"mem_limit": "1g", "cpu_shares": 512,
    /// "ulimits": {"nofile": {"soft": 1024, "hard": 2048}}},
    /// "healthcheck": {"test": "curl -f http://localhost", "interval": 30,
    /// "timeout": 30, "start_period": 5, "retries": 3},
    /// "restart_policy": "unless-stopped", "common_options": {...}}`
    /// (healthcheck times in seconds; dimension sizes with b, k, m or g).
    #[arg(long)]
    pub params: Option<std::path::PathBuf>,
    /// `facts`: include stopped containers.
    #[arg(long)]
    pub all: bool,
    /// `facts`: which query (get_containers, get_containers_state,
    /// get_containers_env, get_containers_names, get_volumes).
    #[arg(long, default_value = "get_containers")]
    pub facts_action: String,
    #[command(flatten)]
    pub engine: super::EngineArgs,
}

fn action_parser() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(
        ACTIONS
            .iter()
            .copied()
            .chain(["facts", "ps", "spec"])
            .collect::<Vec<_>>(),
    )
}

/// Runs the command.
pub fn run(args: Args, format: Format) -> anyhow::Result<ExitCode> {
    if args.action == "spec" {
        // A schema: JSON whatever the format.
        println!(
            "{}",
            serde_json::to_string_pretty(&ansible_argument_spec(true))?
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rt = super::runtime()?;
    rt.block_on(async move {
        let engine = args.engine.connect().await?;
        let engine = engine.as_ref();
        match args.action.as_str() {
            "ps" => ps(engine, format).await,
            "facts" => {
                let r =
                    facts::container_facts(engine, &args.facts_action, &args.names, args.all).await;
                print_result(&r, format)
            }
            _ => {
                let params = module_args(&args)?;
                let r = action::run_action(engine, &params).await;
                print_result(&r, format)
            }
        }
    })
}

fn print_result(r: &Value, format: Format) -> anyhow::Result<ExitCode> {
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(r)?),
        Format::Text => print!("{}", result_text(r)),
    }
    Ok(if r.get("failed") == Some(&json!(true)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The result dict as `key: value` lines: strings as they are, other
/// values as compact JSON.
fn result_text(r: &Value) -> String {
    let mut out = String::new();
    if let Value::Object(m) = r {
        for (k, v) in m {
            let v = match v {
                Value::String(s) => s.trim_end().to_string(),
                other => other.to_string(),
            };
            out.push_str(&format!("{k}: {v}\n"));
        }
    }
    out
}

fn module_args(args: &Args) -> anyhow::Result<Map<String, Value>> {
    let mut params = match &args.params {
        None => Map::new(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(m)) => m,
                Ok(_) => anyhow::bail!("{}: expected a JSON object of parameters", path.display()),
                Err(e) => anyhow::bail!("{}:{}:{}: {e}", path.display(), e.line(), e.column()),
            }
        }
    };
    params.insert("action".into(), json!(args.action));
    for (key, value) in [
        ("name", &args.name),
        ("image", &args.image),
        ("command", &args.command),
    ] {
        if let Some(v) = value {
            params.insert(key.into(), json!(v));
        }
    }
    if !args.volumes.is_empty() {
        params.insert("volumes".into(), json!(args.volumes));
    }
    if !args.env.is_empty() {
        let mut env = match params.remove("environment") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        for kv in &args.env {
            let (k, v) = kv
                .split_once('=')
                .with_context(|| format!("--env {kv}: expected KEY=VALUE"))?;
            env.insert(k.into(), json!(v));
        }
        params.insert("environment".into(), Value::Object(env));
    }
    Ok(params)
}

async fn ps(engine: &dyn ContainerEngine, format: Format) -> anyhow::Result<ExitCode> {
    let rows = facts::kolla_containers(engine)
        .await
        .map_err(kolla_core::Error::from)?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&rows)?),
        Format::Text => {
            let w = |f: fn(&facts::PsRow) -> &str, title: &str| {
                rows.iter()
                    .map(|r| f(r).len())
                    .chain([title.len()])
                    .max()
                    .unwrap_or(0)
            };
            let (wn, wi, ws) = (
                w(|r| &r.name, "NAME"),
                w(|r| &r.image, "IMAGE"),
                w(|r| &r.state, "STATE"),
            );
            println!("{:wn$}  {:wi$}  {:ws$}  HEALTH", "NAME", "IMAGE", "STATE");
            for r in &rows {
                println!(
                    "{:wn$}  {:wi$}  {:ws$}  {}",
                    r.name, r.image, r.state, r.health
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
