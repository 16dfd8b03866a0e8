//! One module per subcommand, each with its clap arguments (`…Args`) and
//! `run(args, &Global) -> Result<(), CliError>`.

pub(crate) mod inspect;
pub(crate) mod open;
pub(crate) mod seal;
