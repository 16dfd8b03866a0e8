//! One module per subcommand, each with its clap arguments (`…Args`) and
//! `run(args, &Global) -> Result<(), CliError>`.

pub(crate) mod inspect;
pub(crate) mod open;
pub(crate) mod receive;
pub(crate) mod scan;
pub(crate) mod seal;
pub(crate) mod send;
pub(crate) mod store;
pub(crate) mod verify;
