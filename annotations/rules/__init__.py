"""Pure rules of the desk: spans, status policy, agreement, anchoring, visibility. No database writes."""
