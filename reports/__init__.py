"""What is made from the store: the coverage matrix and its exports, the provisions export,
run diffs and country reports."""
