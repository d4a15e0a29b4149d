"""Speed, scale, load and fairness measurements: `python -m scripts.bench.<name> --help`."""
