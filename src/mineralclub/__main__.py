"""``python -m mineralclub`` runs the command line."""

from mineralclub.cli import main

if __name__ == "__main__":
    main()
