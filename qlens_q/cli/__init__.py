"""Command-line interface: argument parsing and logging set-up only."""
