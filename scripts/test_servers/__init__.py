"""scripts/test-servers as a package: see cli.py for the interface and the variables it exports."""
