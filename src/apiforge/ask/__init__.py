"""Natural language → the right call: retrieve, choose, fill, build, check, repair, render."""
