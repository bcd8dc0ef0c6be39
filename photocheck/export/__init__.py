"""One folder per category: collecting inputs, the export tree, manifest, report and project file."""
