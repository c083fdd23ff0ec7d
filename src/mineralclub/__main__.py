"""``python -m mineralclub`` runs the command line."""

from mineralclub.cli import app

if __name__ == "__main__":
    app(prog_name="mineralclub")
