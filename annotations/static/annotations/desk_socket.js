/*
 * The review page's socket on its article (/ws/articles/<id>/, annotations/live/consumers.py).
 *
 * It follows the article from the page's last position: on every (re)connection it sends
 * {"type": "follow", "after": P}, so what happened while it was away arrives first, then each
 * change as it commits. Presence (the selected item, typing or not) is sent on change and
 * again after each reconnection. A close it can do nothing about (STOP_REASONS: 4401 logged out,
 * 4403 not allowed, 4404 no such article, 4429 too many) stops it and is told to the page, with
 * the reason in words; any other one reconnects
 * after 1, 2, 4 ... 30 s (with jitter, so a restarted server is not hit by every page at once).
 * While it is not open, the page polls the catch-up endpoint instead (review.js).
 */
(function () {
  "use strict";

  // The server's close codes for good (annotations/live/auth.py), in words a reader can act on.
  const STOP_REASONS = {
    4401: "logged out",
    4403: "not allowed from this address or role",
    4404: "the article is gone",
    4429: "too many open tabs or messages",
  };
  const MAX_DELAY_MS = 30000;
  // A connection a proxy dropped without a word stays "open": a ping this often, answered
  // within the second figure, tells; none answered, the socket is closed and opened again.
  const PING_MS = 25000;
  const PONG_WITHIN_MS = 10000;

  /**
   * Open the socket at ``url``. ``position()`` is the last position the page holds;
   * ``onEvents({events, next})``, ``onPresence(people)``, ``onOpen()``, ``onDown()`` (it closed
   * and will retry) and ``onStopped(code, reason)`` (it will not) are the page's.
   */
  function openDeskSocket({ url, position, onEvents, onPresence, onOpen, onDown, onStopped }) {
    let socket = null;
    let failures = 0;
    let retry = null;
    let stopped = false;
    let presence = { type: "presence", item: null, typing: false };
    let pinger = null;
    let pongDue = null;

    function stopPinging() {
      window.clearInterval(pinger);
      window.clearTimeout(pongDue);
      pinger = pongDue = null;
    }

    function connect() {
      retry = null;
      if (stopped) return;
      try {
        socket = new WebSocket(url);
      } catch (error) {
        scheduleRetry();
        return;
      }
      const opened = socket;
      opened.addEventListener("open", () => {
        opened.send(JSON.stringify({ type: "follow", after: position() }));
        opened.send(JSON.stringify(presence));
        pinger = window.setInterval(() => {
          if (opened.readyState !== WebSocket.OPEN) return;
          opened.send(JSON.stringify({ type: "ping" }));
          if (!pongDue) pongDue = window.setTimeout(() => opened.close(), PONG_WITHIN_MS);
        }, PING_MS);
        onOpen();
      });
      opened.addEventListener("message", (message) => {
        // Only a socket the server talks to counts as up: one accepted then closed at once (the
        // server's database or Redis away) keeps backing off.
        failures = 0;
        let data;
        try {
          data = JSON.parse(message.data);
        } catch (error) {
          return; // not ours to read
        }
        if (data.type === "pong") {
          window.clearTimeout(pongDue);
          pongDue = null;
        } else if (data.type === "events") onEvents(data);
        else if (data.type === "presence") onPresence(data.people || []);
      });
      opened.addEventListener("close", (event) => {
        stopPinging();
        socket = null;
        if (stopped) return;
        if (event.code in STOP_REASONS) {
          stopped = true;
          onStopped(event.code, STOP_REASONS[event.code]);
          return;
        }
        onDown();
        scheduleRetry();
      });
    }

    function scheduleRetry() {
      failures += 1;
      const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.min(failures - 1, 5));
      retry = window.setTimeout(connect, delay * (0.5 + Math.random() / 2));
    }

    connect();
    return {
      isOpen: () => Boolean(socket && socket.readyState === WebSocket.OPEN),
      /** What this page has selected, and whether its reader is typing a rationale on it. */
      sayPresence(item, typing) {
        if (presence.item === item && presence.typing === typing) return;
        presence = { type: "presence", item, typing };
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(presence));
      },
      /** Start again after a stop (logged in again in another tab). */
      restart() {
        if (!stopped) return;
        stopped = false;
        failures = 0;
        connect();
      },
      /** Close for good (tests, and a page going away closes it anyway). */
      close() {
        stopped = true;
        stopPinging();
        if (retry) window.clearTimeout(retry);
        if (socket) socket.close(1000);
      },
    };
  }

  window.FactcheckDeskSocket = { openDeskSocket };
})();
