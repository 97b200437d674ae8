"""Data files for luoshi.codes; a regular package so that wheels ship the JSON."""
