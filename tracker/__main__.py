"""`python -m tracker` behaves exactly like the `topup` command."""

from tracker.cli import main

if __name__ == "__main__":
    main()
