"""The scriptable subcommands behind ``fieldsurvey``; each returns an exit code."""
