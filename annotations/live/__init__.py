"""The live desk: changes pushed to open pages over WebSockets, and who is where (presence).

The database stays the record: every change is a numbered desk event
(``annotations.services.desk_events``) and a socket only rings the page's doorbell sooner.

- ``groups``: the channel-layer groups and the one sync function that sends to them.
- ``consumers``: the socket of one page on one article (follow, catch-up, push, presence).
- ``auth``: who is on a socket (session or token), the origin rule, revocation.
- ``presence``: who has an article open and on which item, with expiry.
- ``routing``: the socket URLs, mounted by ``factcheck.asgi``.
"""
