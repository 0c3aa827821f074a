"""The benchmark harness: copydesk and the anchors side by side, in one run. Nothing imports this."""
