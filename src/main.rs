#![forbid(unsafe_code)]

use clap::{CommandFactory, Parser};
use shipdeck::cli::{Cli, Command, Global};
use shipdeck::config::Config;
use shipdeck::headless::{self, Exit};
use shipdeck::{app, demo, session};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = color_eyre::install() {
        say(&format!("shipdeck: {e}"));
    }
    init_tracing(&cli.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            say(&format!("shipdeck: cannot start the async runtime: {e}"));
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(dispatch(cli));
    // Tasks still waiting on a dead service must not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(report) => {
            if let Some(exit) = report.downcast_ref::<Exit>() {
                say_each(&exit.to_string());
                return ExitCode::from(exit.code);
            }
            if let Some(e) = report.downcast_ref::<shipdeck::config::ConfigError>() {
                say_each(&e.to_string());
                return ExitCode::from(2);
            }
            // One line for the user, the whole report for the log file.
            tracing::error!("{report:?}");
            say(&format!("shipdeck: {report:#}"));
            ExitCode::from(1)
        }
    }
}

/// Best effort: after a hang-up stderr is a closed terminal, and
/// `eprintln!` would panic on the way out.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{}", shipdeck::io::sanitize::for_terminal(line));
}

/// A message of several lines (every problem in a config), each line marked.
fn say_each(text: &str) {
    for line in text.lines() {
        say(&format!("shipdeck: {line}"));
    }
}

async fn dispatch(cli: Cli) -> color_eyre::Result<()> {
    let global = cli.global;
    match cli.command {
        Some(Command::Demo(args)) => demo::run::run(&args, &global).await,
        Some(Command::Status(args)) => {
            let config = load(&global)?;
            let out = headless::status::run(&config, &global, &args).await?;
            headless::emit(&out);
            Ok(())
        }
        Some(Command::Repos(args)) => {
            let config = load(&global)?;
            headless::emit(&headless::repos::repos(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Compare(args)) => {
            let config = load(&global)?;
            headless::emit(&headless::repos::compare(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Tag(args)) => {
            let config = load(&global)?;
            if args.sync {
                headless::sync::require(&config)?;
            }
            // `--sync` is inside: tags recorded in a run that partly failed are shared too.
            headless::emit(&headless::repos::tag(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Retag(args)) => {
            let config = load(&global)?;
            if args.sync {
                headless::sync::require(&config)?;
            }
            headless::emit(&headless::repos::retag(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Check(args)) => {
            headless::emit(&headless::check::run(&global, &args)?);
            Ok(())
        }
        Some(Command::Init(args)) => {
            headless::emit(&headless::init::run(&args)?);
            Ok(())
        }
        Some(Command::Completions(args)) => {
            let mut out = Vec::new();
            clap_complete::generate(args.shell, &mut Cli::command(), "shipdeck", &mut out);
            print_raw(&out);
            Ok(())
        }
        Some(Command::Man) => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            print_raw(&out);
            Ok(())
        }
        Some(Command::Checklist(args)) => {
            let config = load(&global)?;
            headless::emit(&headless::checklist::checklist(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Tick(args)) => {
            let config = load(&global)?;
            if args.sync {
                headless::sync::require(&config)?;
            }
            headless::emit(&headless::checklist::tick(&config, &global, &args)?);
            if args.sync {
                headless::sync::share_now(&config, &global).await?;
            }
            Ok(())
        }
        Some(Command::Notes(args)) => {
            let config = load(&global)?;
            headless::emit(&headless::notes::run(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Deploy(args)) => {
            let config = load(&global)?;
            headless::emit(&headless::deploy::deploy(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Rollback(args)) => {
            let config = load(&global)?;
            headless::emit(&headless::deploy::rollback(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Lock(args)) => {
            let config = load(&global)?;
            if args.sync {
                headless::sync::require(&config)?;
            }
            headless::emit(&headless::lock::lock(&config, &global, &args)?);
            if args.sync {
                headless::sync::share_now(&config, &global).await?;
            }
            Ok(())
        }
        Some(Command::Unlock(args)) => {
            let config = load(&global)?;
            if args.sync {
                headless::sync::require(&config)?;
            }
            headless::emit(&headless::lock::unlock(&config, &global, &args)?);
            if args.sync {
                headless::sync::share_now(&config, &global).await?;
            }
            Ok(())
        }
        Some(Command::Smoke(args)) => {
            let config = load(&global)?;
            headless::emit(&headless::smoke::run(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Sync(args)) => {
            let config = load(&global)?;
            headless::emit(&headless::sync::run(&config, &global, &args).await?);
            Ok(())
        }
        Some(Command::Log(args)) if args.follow => {
            let config = load(&global)?;
            Ok(headless::follow::run(&config, &global, &args).await?)
        }
        Some(Command::Log(args)) => {
            let config = load(&global)?;
            if args.sync {
                headless::sync::require(&config)?;
            }
            headless::emit(&headless::log::run(&config, &global, &args)?);
            if args.sync {
                headless::sync::share_now(&config, &global).await?;
            }
            Ok(())
        }
        None => {
            shipdeck::terminal::require_tty().map_err(|e| Exit::new(2, e.to_string()))?;
            let interrupts = app::signals::Interrupts::catch()?;
            let config = load(&global)?;
            let mut model = session::model::build_model(&config, &global, chrono::Utc::now());
            session::history::load(&mut model, &config, &global);
            let store = session::paths::journal(&config, &global, model.release.push_date);
            let share = store
                .as_ref()
                .and_then(|s| shipdeck::io::share::journal::Shared::for_session(&config, &global, s, &model.release));
            if let Some(s) = &share {
                model.share = Some(shipdeck::domain::share::ShareState::new(s.shown_remote()));
            }
            let follow = match store {
                Some(store) => {
                    Some(session::journal::open(&mut model, store).map_err(|e| Exit::new(2, e.to_string()))?)
                }
                None => None,
            };
            let fe = app::Frontend {
                theme: session::theme::theme(&config, &global).map_err(|e| Exit::new(2, e.to_string()))?,
                keymap: config.keymap.clone(),
                tz: session::model::local_offset(),
                notes_dir: None,
                share,
                story: None,
            };
            app::run(model, &config, fe, follow, interrupts).await
        }
    }
}

/// The team's config with the personal file over it.
fn load(global: &Global) -> Result<Config, shipdeck::config::ConfigError> {
    session::config_file::load(global)
}

/// Generated text of our own (a completion script, roff): written as it is,
/// since the terminal-safety pass of `headless::emit` would change it.
fn print_raw(bytes: &[u8]) {
    use std::io::Write;
    let _ = std::io::stdout().write_all(bytes);
    let _ = std::io::stdout().flush();
}

/// Diagnostics go to a file in the state dir, never to the terminal the
/// cockpit draws on. `SHIPDECK_LOG` sets the filter (default `info`).
fn init_tracing(global: &Global) {
    use std::os::unix::fs::OpenOptionsExt;
    let Some(dir) = session::paths::state_dir(global) else { return };
    // Private, as the journal: the log names people, repositories and hosts.
    if shipdeck::io::regular_file::create_private_dir(&dir).is_err() {
        return;
    }
    let log = dir.join("shipdeck.log");
    let Ok(file) =
        shipdeck::io::regular_file::open(&log, std::fs::OpenOptions::new().create(true).append(true).mode(0o600))
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("SHIPDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}
