"""Input and output: read and validate workbooks, write results, templates and charts."""
