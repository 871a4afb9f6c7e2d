"""`python -m yrd` runs the CLI."""

from yrd.cli import main

main()
