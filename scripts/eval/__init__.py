"""Retrieval quality studies: sweeps behind the defaults, snippets, PDF repairs.

Run each as `python -m scripts.eval.<name> --help`.
"""
