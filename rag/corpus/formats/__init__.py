"""One parser per file format, each turning bytes into lines with their sections."""
