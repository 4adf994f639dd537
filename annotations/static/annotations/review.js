/*
 * The review page: highlights an article's claims and quotes, and reviews them through the
 * REST API (/api/v1/) with the session cookie and the CSRF token.
 *
 * Two rules hold everywhere in this file:
 * - Text that came from an article or a user is put in the page with textContent or as an
 *   attribute value, never parsed as HTML (no innerHTML), so "<script>" in an article is text.
 * - API offsets count Unicode code points (Python string indices); JavaScript strings count
 *   UTF-16 units. The text is kept as an array of code points (Array.from), so an emoji before
 *   a claim does not shift its highlight, and a selection is converted back the same way.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("review-config").textContent);
  // Read at each write: logging in again (in another tab) gives the session a new CSRF token.
  const csrfToken = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const $ = (id) => document.getElementById(id);
  const VERDICTS = ["correct", "disputed", "unverified"];

  const state = {
    revision: null, // id of the current revision the offsets refer to
    chars: [], // the article text, one entry per code point
    items: new Map(), // id -> item as the API returns it
    selectedId: null,
    pendingSpan: null, // {start, end} of a text selection, in code points
    lastVerdict: null, // {verdict, itemId} of a write that lost a race, to re-apply
    polling: false,
    position: 0, // the last desk event position this page has applied (see "Others' changes")
    mine: new Set(), // ids of the items with a current review of mine (the progress endpoint's)
    progress: null, // {total, reviewed_by_me, waiting_second, next_article}
    article: null, // the article as the API last answered (title, published, extraction, counts)
    desk: null, // the article's socket (desk_socket.js); polling stands in while it is not open
    applying: Promise.resolve(), // pushed events are applied one batch after the other
    pushFailed: false, // a pushed batch could not be applied: the next tick catches up by polling
    people: [], // others on this article now: [{user, item, typing}]
    socketStopped: null, // the close code that stopped the socket for good (4401: logged out), or null
    typingTimer: null,
    threadLoads: 0, // reads of an item's reviews, comments and history under way (the panel is busy)
  };
  const STAY_KEY = "factcheck.stayAfterVerdict";

  // --- API ------------------------------------------------------------------------------

  async function api(method, path, body, headers) {
    const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...(headers || {}) } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    if (method !== "GET") init.headers["X-CSRFToken"] = csrfToken();
    let response;
    try {
      response = await fetch(config.apiRoot + path, init);
    } catch (error) {
      return { status: 0, ok: false, data: { error: { message: "The server cannot be reached: " + error.message } } };
    }
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    return { status: response.status, ok: response.ok, data };
  }

  function errorMessage(result) {
    const error = result.data && result.data.error;
    if (!error) return "The server answered " + result.status + ".";
    const fields = Object.entries(error.fields || {}).map(([name, msgs]) => name + ": " + [].concat(msgs).join(" "));
    return [error.message].concat(fields).join(" ");
  }

  async function allPages(path) {
    const results = [];
    let page = 1;
    for (;;) {
      const result = await api("GET", `${path}${path.includes("?") ? "&" : "?"}page_size=200&page=${page}`);
      if (!result.ok) throw Object.assign(new Error(errorMessage(result)), { loggedOut: loggedOut(result) });
      results.push(...result.data.results);
      if (!result.data.next) return results;
      page += 1;
    }
  }

  /**
   * Whether an answer means the session is gone (logged out, or expired): 401, or a 403 that
   * says so. A 403 for a role too weak is not one: logging in again would not help.
   */
  function loggedOut(result) {
    if (result.status === 401) return true;
    const error = (result.data && result.data.error) || {};
    return result.status === 403 && (["not_authenticated", "authentication_failed"].includes(error.code) ||
      /CSRF/i.test(error.message || ""));
  }

  const itemPath = (item) => `${item.kind}s/${item.id}/`;
  const ifMatch = (item) => ({ "If-Match": `"${item.version}"` });

  // --- Status line ----------------------------------------------------------------------

  let statusTimer = null;
  /**
   * Tell the user what happened, in the live region. A background message (the poll's) never
   * replaces an error of the user's own action: that stays until their next action says
   * something else. Other messages clear after a few seconds.
   */
  function say(message, kind, { background = false, about = "" } = {}) {
    const line = $("status-line");
    if (background && line.dataset.own === "error" && line.textContent) return;
    line.dataset.own = background ? "" : kind || "";
    line.dataset.about = about; // what an error describes, so it clears once that is fixed
    line.textContent = message;
    line.className = "status-line " + (kind || "");
    clearTimeout(statusTimer);
    if (kind !== "error") statusTimer = setTimeout(() => (line.textContent = ""), 6000);
  }

  /** Clear the status line if it still tells of the trouble ``about`` (now fixed). */
  function unsay(about) {
    const line = $("status-line");
    if (line.dataset.about !== about) return;
    line.textContent = "";
    line.dataset.own = "";
    line.dataset.about = "";
  }

  // --- A verdict kept across a new login (sessionStorage, this tab only) -------------------

  const draftKey = (itemId) => `factcheck.draft.${config.article}.${itemId}`;

  function draftFor(itemId) {
    try {
      return JSON.parse(window.sessionStorage.getItem(draftKey(itemId)) || "null");
    } catch (error) {
      return null;
    }
  }

  function draftKeep(itemId, draft) {
    try {
      window.sessionStorage.setItem(draftKey(itemId), JSON.stringify(draft));
    } catch (error) {
      // Storage refused (full, or off): the form still holds the draft while this page is open.
    }
  }

  const draftForget = (itemId) => window.sessionStorage.removeItem(draftKey(itemId));

  /** The items of this article with a kept draft (the first one is opened after a new login). */
  function draftItemIds() {
    const prefix = `factcheck.draft.${config.article}.`;
    return Object.keys(window.sessionStorage)
      .filter((key) => key.startsWith(prefix))
      .map((key) => Number(key.slice(prefix.length)));
  }

  function fillForm(draft) {
    $("rationale").value = draft.rationale || "";
    $("evidence-rows").replaceChildren();
    for (const evidence of draft.evidence || []) addEvidenceRow(evidence);
  }

  /** Logged out: show the way back to the login form, which returns to this item. */
  function showLoginAgain(itemId) {
    const link = $("login-again-link");
    const back = window.location.pathname + (itemId ? `?item=${itemId}` : "");
    link.href = link.pathname + "?next=" + encodeURIComponent(back);
    $("login-again").hidden = false;
  }

  /** The session is back (logged in again in another tab): the kept verdict can be submitted here. */
  function loggedInAgain() {
    $("login-again").hidden = true;
    const draft = state.selectedId && draftFor(state.selectedId);
    // The kept draft may have been put back in the form meanwhile: its line now says the session is back.
    if (!["session", "draft"].includes($("status-line").dataset.about)) return;
    if (draft) say(`Logged in again: press ${draft.verdict} to submit your kept verdict.`, "", { about: "draft" });
    else unsay("session");
  }

  // --- Extraction state -----------------------------------------------------------------

  /** "3 min ago", from two instants in milliseconds. */
  function age(fromMs, nowMs) {
    const minutes = Math.floor(Math.max(0, nowMs - fromMs) / 60000);
    if (minutes < 1) return "less than a minute";
    if (minutes < 120) return `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    return hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
  }

  /** A failed job's error as a short sentence a reader can act on (the full text is in the admin). */
  function failureReason(error) {
    let text = (error || "").split("\n")[0].trim();
    if (!text) return "no reason was recorded.";
    const gaveUp = text.match(/^Gave up after (\d+) attempts\. Last error: (.*)$/);
    if (gaveUp) text = `the worker gave up after ${gaveUp[1]} attempts; the last one: ${gaveUp[2]}`;
    if (text.length > 200) text = text.slice(0, 199).trimEnd() + "…";
    text = text.charAt(0).toLowerCase() + text.slice(1);
    return /[.!?…]$/.test(text) ? text : text + ".";
  }

  /** The workers' state and the server's clock, or null when that cannot be read now. */
  async function workersState() {
    try {
      const response = await fetch($("extraction-box").dataset.workersUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      return response.ok ? await response.json() : null;
    } catch (error) {
      return null;
    }
  }

  /** What the extraction of the current text is doing, how long it has, and why it failed. */
  async function renderExtraction(extraction) {
    const status = extraction ? extraction.status : "none";
    const badge = $("extraction-state");
    badge.textContent = extraction ? status : "-";
    badge.className = `job job-${status}`;
    const box = $("extraction-box");
    const note = $("extraction-note");
    const retry = $("retry-extraction");
    const waiting = status === "queued" || status === "running";
    const workers = waiting ? await workersState() : null;
    const nowMs = workers ? Date.parse(workers.now) : Date.now();
    const published = Boolean(state.article && state.article.published);
    // A queued job keeps a broker outage's note, a running one its last transient error.
    const lastProblem = waiting && extraction.error ? ` Last problem: ${failureReason(extraction.error)}` : "";
    box.dataset.status = status;
    if (status === "queued") {
      note.textContent = `Extraction queued ${age(Date.parse(extraction.created_at), nowMs)} ago.` + lastProblem;
    } else if (status === "running") {
      const since = Date.parse(extraction.started_at || extraction.updated_at);
      note.textContent = `Extraction running for ${age(since, nowMs)} (attempt ${extraction.attempts}).` + lastProblem;
    } else if (status === "failed") {
      const next = !config.isEditor ? " An editor can retry it." : published ? " Reopen the article to retry it." : "";
      note.textContent = `Extraction failed: ${failureReason(extraction.error)}${next}`;
    } else if (status === "none") {
      note.textContent = config.isEditor && !published ? "No extraction has run on this text." : "";
    } else {
      note.textContent = "";
    }
    note.className = "extraction-note" + (status === "failed" ? " failed" : "");
    if (retry) retry.hidden = (status !== "failed" && status !== "none") || published;
    const down = $("workers-down");
    down.hidden = !(workers && workers.workers_down);
    if (!down.hidden) {
      down.textContent = workers.last_seen
        ? `The workers look down: none has been seen for ${age(Date.parse(workers.last_seen), nowMs)}. ` +
          "Extraction waits until one runs again; tell whoever runs the service."
        : "The workers look down: none has ever reported. Extraction waits until one runs; tell whoever runs the service.";
    }
    box.hidden = !note.textContent && down.hidden && (!retry || retry.hidden);
  }

  async function retryExtraction() {
    const retry = $("retry-extraction");
    retry.disabled = true;
    const result = await api("POST", `articles/${config.article}/extract/`);
    retry.disabled = false;
    if (result.status === 202) {
      state.article = result.data;
      await renderExtraction(result.data.extraction);
      say("Extraction queued again: the claims and quotes appear here when a worker has read the text.", "ok");
    } else if (result.status === 409) {
      await loadArticle(); // someone else queued it, or it is done: the state shows which
      say(errorMessage(result), "");
    } else {
      say("Not queued. " + errorMessage(result), "error", { about: "extraction" });
    }
  }

  // --- Loading --------------------------------------------------------------------------

  async function loadArticle() {
    const result = await api("GET", `articles/${config.article}/`);
    if (!result.ok) throw Object.assign(new Error(errorMessage(result)), { loggedOut: loggedOut(result) });
    state.revision = result.data.revision ? result.data.revision.id : null;
    state.chars = Array.from(result.data.text || "");
    state.article = result.data;
    await renderExtraction(result.data.extraction);
    if (result.data.extraction && result.data.extraction.status !== "failed") unsay("extraction");
    // A published article is read-only until an editor reopens it: it looks it, too.
    document.body.classList.toggle("is-published", Boolean(result.data.published));
    $("published-note").hidden = !result.data.published;
    document.dispatchEvent(new CustomEvent("factcheck:article-loaded", { detail: result.data }));
  }

  async function loadItems() {
    const [claims, quotes] = await Promise.all([
      allPages(`articles/${config.article}/claims/`),
      allPages(`articles/${config.article}/quotes/`),
    ]);
    const items = new Map();
    for (const item of claims.concat(quotes)) items.set(item.id, item);
    return items;
  }

  function signature(items) {
    return Array.from(items.values())
      .map((item) => `${item.id}:${item.version}:${item.revision}`)
      .sort()
      .join(",");
  }

  // --- My progress ----------------------------------------------------------------------

  async function loadProgress() {
    let response;
    try {
      response = await fetch(config.progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    } catch (error) {
      return; // the poll tries again; progress is a help, not the work
    }
    if (!response.ok) return;
    const data = await response.json();
    state.progress = data;
    const before = Array.from(state.mine).sort().join(",");
    state.mine = new Set(data.reviewed_by_me);
    if (before !== Array.from(state.mine).sort().join(",")) renderText();
    renderProgress();
  }

  function renderProgress() {
    const line = $("my-progress");
    const progress = state.progress;
    if (!line || !progress || !config.canReview) return;
    const mine = progress.reviewed_by_me.length;
    const waiting = progress.waiting_second;
    line.textContent =
      `${mine} of ${progress.total} reviewed by you; ` +
      `${waiting} waiting for a second review`;
    line.dataset.mine = String(mine);
    line.dataset.total = String(progress.total);
    line.dataset.waiting = String(waiting);
  }

  /** The next live item after the selected one (wrapping) that I have not reviewed, or null. */
  function nextUnreviewed() {
    const order = navigationOrder();
    const at = order.findIndex((item) => item.id === state.selectedId);
    for (let offset = 1; offset <= order.length; offset += 1) {
      const item = order[(at + offset + order.length) % order.length];
      if (item && !state.mine.has(item.id) && item.id !== state.selectedId) return item;
    }
    return null;
  }

  function showEndOfArticle() {
    const box = $("end-of-article");
    const next = state.progress && state.progress.next_article;
    const link = $("next-article");
    if (next) {
      link.href = next.url;
      link.textContent = `Next article: ${next.title}`;
      link.hidden = false;
    } else {
      link.hidden = true;
    }
    $("end-message").textContent = next
      ? "You have reviewed every item of this article."
      : "You have reviewed every item of this article, and nothing else is waiting for you.";
    box.hidden = false;
    (next ? link : $("end-queue")).focus();
  }

  /** After a saved verdict: the next item I have not reviewed, unless I asked to stay. */
  function advance(stay) {
    if (stay || $("stay-after-verdict").checked) return;
    const next = nextUnreviewed();
    if (next) select(next.id);
    else showEndOfArticle();
  }

  // --- Rendering the text ---------------------------------------------------------------

  const isLive = (item) => !item.orphaned && item.revision === state.revision;

  function liveItems() {
    return Array.from(state.items.values())
      .filter(isLive)
      .filter((item) => item.start < item.end && item.end <= state.chars.length);
  }

  /** Items in reading order, without dismissed ones: what j / k walk through. */
  function navigationOrder() {
    return liveItems()
      .filter((item) => !item.dismissed)
      .sort((a, b) => a.start - b.start || a.end - b.end || a.id - b.id);
  }

  function innermost(items, kind) {
    let best = null;
    for (const item of items) {
      if (kind && item.kind !== kind) continue;
      if (!best || item.end - item.start < best.end - best.start) best = item;
    }
    return best;
  }

  /**
   * Cut the text at every item boundary; each piece is a <span data-start data-end> (code
   * points) that knows which items cover it. Claims colour the background, quotes underline,
   * so a quote inside a claim shows both. A quote's speaker follows it as a label that is not
   * part of the text (data-nontext), which the selection mapping skips.
   */
  function renderText() {
    const container = $("article-text");
    const items = liveItems();
    const cuts = new Set([0, state.chars.length]);
    for (const item of items) {
      cuts.add(item.start);
      cuts.add(item.end);
    }
    const bounds = Array.from(cuts).sort((a, b) => a - b);
    const firstSegmentOf = new Map();
    const lastSegmentOf = new Map();
    const speakerAt = new Map();
    for (const item of items) {
      if (item.kind === "quote" && item.speaker && !item.dismissed) {
        speakerAt.set(item.end, (speakerAt.get(item.end) || []).concat(item));
      }
    }
    const fragment = document.createDocumentFragment();
    for (let index = 0; index < bounds.length - 1; index += 1) {
      const start = bounds[index];
      const end = bounds[index + 1];
      const span = document.createElement("span");
      span.dataset.start = String(start);
      span.dataset.end = String(end);
      span.textContent = state.chars.slice(start, end).join("");
      const covering = items.filter((item) => item.start <= start && item.end >= end);
      const shown = covering.filter((item) => !item.dismissed);
      if (covering.length) {
        span.dataset.items = covering.map((item) => item.id).join(" ");
        const claim = innermost(shown, "claim");
        const quote = innermost(shown, "quote");
        span.classList.add("hl");
        if (claim) span.classList.add("claim", "status-" + claim.status);
        if (quote) span.classList.add("quote", "quote-" + quote.status);
        if (!shown.length) span.classList.add("dismissed");
        if (covering.some((item) => item.id === state.selectedId)) span.classList.add("selected");
        for (const item of covering) if (item.end === end) lastSegmentOf.set(item.id, span);
        const starting = covering.filter((item) => item.start === start && !firstSegmentOf.has(item.id));
        for (const item of starting) firstSegmentOf.set(item.id, span);
        if (starting.length) {
          span.dataset.itemStart = starting.map((item) => item.id).join(" ");
          nameHighlight(span, starting.find((item) => !item.dismissed) || starting[0]);
        }
      }
      fragment.appendChild(span);
      for (const quote of speakerAt.get(end) || []) {
        const label = document.createElement("span");
        label.className = "speaker quote-" + quote.status;
        label.dataset.nontext = "1";
        label.dataset.at = String(end);
        label.dataset.item = String(quote.id);
        label.contentEditable = "false";
        label.textContent = quote.speaker;
        fragment.appendChild(label);
      }
    }
    for (const [itemId, span] of lastSegmentOf) {
      if (state.mine.has(itemId)) span.classList.add("mine"); // "✓ you" after the item (review.css)
    }
    container.replaceChildren(fragment);
    container.removeAttribute("aria-busy");
    renderOrphans();
    renderCounts();
    markPeople();
  }

  /**
   * The first piece of an item is where the keyboard reaches it: a button (Tab, then Enter or
   * Space) named by kind, status, speaker and whether I reviewed it, and marked by its status
   * (? ✓ ✗, review.css) so the status is not told by colour alone.
   */
  function nameHighlight(span, item) {
    const status = item.dismissed ? `not a ${item.kind}` : item.status;
    const parts = [`${item.kind === "claim" ? "Claim" : "Quote"}, ${status}`];
    if (item.kind === "quote") parts.push(`speaker ${item.speaker || "unknown"}`);
    if (state.mine.has(item.id)) parts.push("reviewed by you");
    const words = item.text.length > 80 ? item.text.slice(0, 77) + "…" : item.text;
    span.tabIndex = 0;
    span.setAttribute("role", "button");
    span.setAttribute("aria-label", `${parts.join(", ")}: ${words}`);
    span.dataset.focusItem = String(item.id);
    if (!item.dismissed) span.dataset.mark = item.status;
  }

  function renderOrphans() {
    const orphans = Array.from(state.items.values()).filter((item) => !isLive(item));
    $("orphans").hidden = orphans.length === 0;
    const list = $("orphan-list");
    list.replaceChildren();
    for (const item of orphans) {
      const entry = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      button.textContent = `${item.kind} ${item.id}: ${item.text}`;
      button.addEventListener("click", () => select(item.id));
      entry.appendChild(button);
      list.appendChild(entry);
    }
  }

  function renderCounts() {
    const counts = { claim: {}, quote: {} };
    for (const item of liveItems()) {
      if (item.dismissed) continue;
      counts[item.kind][item.status] = (counts[item.kind][item.status] || 0) + 1;
    }
    const box = $("counts");
    box.replaceChildren();
    for (const kind of ["claim", "quote"]) {
      const group = document.createElement("span");
      group.className = "count-group";
      group.dataset.kind = kind;
      const total = VERDICTS.reduce((sum, status) => sum + (counts[kind][status] || 0), 0);
      group.append(`${total} ${kind}s: `);
      for (const status of VERDICTS) {
        const count = document.createElement("span");
        count.className = "count " + status;
        count.dataset.status = status;
        count.textContent = `${counts[kind][status] || 0} ${status}`;
        group.append(count, " ");
      }
      box.appendChild(group);
    }
  }

  // --- Selecting an item and the side panel ---------------------------------------------

  function select(itemId, { scroll = true, focus = false } = {}) {
    const item = state.items.get(itemId);
    if (!item) return;
    const changed = state.selectedId !== itemId;
    state.selectedId = itemId;
    for (const span of document.querySelectorAll("#article-text .selected")) span.classList.remove("selected");
    for (const span of document.querySelectorAll("#article-text [data-items]")) {
      if (span.dataset.items.split(" ").includes(String(itemId))) span.classList.add("selected");
    }
    $("panel").classList.remove("collapsed");
    const first = document.querySelector(`#article-text [data-item-start~="${itemId}"]`);
    if (scroll && first) first.scrollIntoView({ block: "nearest", behavior: "smooth" });
    // Keys move the focus with the selection, so a screen reader says which item is picked.
    if (focus && first && first.dataset.focusItem === String(itemId)) first.focus({ preventScroll: true });
    $("end-of-article").hidden = true;
    if (changed) {
      $("conflict").hidden = true;
      $("rationale").value = "";
      $("dismiss-reason").value = "";
      $("dismiss-box").open = false;
      $("evidence-rows").replaceChildren();
    }
    renderItemFacts(item);
    refreshThreads(item, { prefill: changed });
    if (changed) sayPresence(false);
    renderItemPresence();
  }

  function fact(list, label, value) {
    const text = plain(value);
    if (!text) return;
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    detail.textContent = text;
    list.append(term, detail);
  }

  /** A value in words for a reader: lists joined, yes/no, "name: value" pairs; never raw JSON. */
  function plain(value) {
    if (value === null || value === undefined) return "";
    if (typeof value === "boolean") return value ? "yes" : "no";
    if (Array.isArray(value)) return value.map(plain).filter(Boolean).join(", ");
    if (typeof value === "object") {
      return Object.entries(value)
        .map(([name, inner]) => [words(name), plain(inner)])
        .filter(([, inner]) => inner)
        .map(([name, inner]) => `${name}: ${inner}`)
        .join("; ");
    }
    return String(value);
  }

  /** "check_worthiness" -> "Check worthiness": a facet's key as a label. */
  function words(name) {
    const spaced = String(name).replace(/[_-]+/g, " ").trim();
    return spaced.charAt(0).toUpperCase() + spaced.slice(1);
  }

  function renderItemFacts(item) {
    $("panel-empty").hidden = true;
    $("item-panel").hidden = false;
    $("item-panel").dataset.item = String(item.id);
    $("item-title").textContent = `${item.kind === "claim" ? "Claim" : "Quote"} ${item.id}`;
    const badge = $("item-status");
    badge.textContent = item.dismissed ? "not a claim" : item.status;
    badge.className = "badge " + (item.dismissed ? "dismissed" : item.status);
    $("item-mine").hidden = !state.mine.has(item.id);
    $("item-text").textContent = item.text;
    const facts = $("item-facts");
    facts.replaceChildren();
    if (item.kind === "quote") {
      fact(facts, "Speaker", item.speaker || "(unknown)");
      fact(facts, "Cue", item.cue);
    }
    fact(facts, "Score", item.score === null ? null : Number(item.score).toFixed(2));
    for (const [name, value] of Object.entries(item.facets || {})) fact(facts, words(name), value);
    // The model's hash and the item's version are for editors tracing a change, not for reviewers.
    const engine = config.isEditor && item.extractor_version ? `the engine (${item.extractor_version})` : "the engine";
    fact(facts, "Found by", item.origin === "machine" ? engine : "a reviewer");
    fact(facts, "Assigned to", item.assigned_to);
    if (item.resolution_status) fact(facts, "Editor's decision", `${item.resolution_status} ${item.resolution_note}`.trim());
    if (item.dismissed) fact(facts, "Not a claim", item.dismissal_reason);
    if (item.needs_rereview) fact(facts, "Needs re-review", "the article's text changed under it");
    if (item.orphaned) fact(facts, "Orphaned", "not found in the current text");
    if (config.isEditor) fact(facts, "Version", String(item.version));
    const published = Boolean(state.article && state.article.published);
    const writable = config.canReview && !item.orphaned && !published;
    for (const button of document.querySelectorAll("#verdict-box button, #verdict-box textarea, #verdict-box input")) {
      button.disabled = !writable;
    }
    $("dismiss-box").hidden = item.dismissed || !config.canReview;
    $("dismiss-label").textContent = `Not a ${item.kind}`;
    $("restore").textContent = `Undo “not a ${item.kind}”`;
    $("quote-meaning").hidden = item.kind !== "quote";
    $("restore").hidden = !item.dismissed || !config.canReview;
    $("restore").disabled = !writable;
    $("add-comment").disabled = !config.canReview;
    document.dispatchEvent(new CustomEvent("factcheck:item-shown", { detail: { item, writable } }));
  }

  function safeLink(url, text) {
    // Only web links become clickable: a "javascript:" URL in evidence stays plain text.
    if (!/^https?:\/\//i.test(url)) {
      const span = document.createElement("span");
      span.textContent = text || url;
      return span;
    }
    const link = document.createElement("a");
    link.href = url;
    link.rel = "noopener noreferrer nofollow";
    link.target = "_blank";
    link.textContent = text || url;
    return link;
  }

  /** "2026-12-02 14:05" in the reader's time zone: one form whatever the browser's locale. */
  function when(iso) {
    if (!iso) return "";
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) return "";
    const two = (n) => String(n).padStart(2, "0");
    return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
  }

  async function refreshThreads(item, { prefill = false } = {}) {
    const path = itemPath(item);
    // Busy while any item's reviews, comments and history load: what they fill in moves the
    // panel's controls down, so a screen reader (and a test) waits for it to settle. Counted, so
    // that neither an earlier read ending first nor one for an item left behind clears it early
    // or leaves it set.
    state.threadLoads += 1;
    $("panel").setAttribute("aria-busy", "true");
    try {
      const [reviews, comments, history] = await Promise.all([
        api("GET", path + "reviews/"),
        api("GET", path + "comments/"),
        api("GET", path + "history/?page_size=200"),
      ]);
      if (state.selectedId !== item.id) return; // the user moved on while these loaded
      if (reviews.ok) renderReviews(reviews.data, prefill);
      if (comments.ok) renderComments(comments.data);
      if (history.ok) renderHistory(history.data.results);
    } finally {
      state.threadLoads -= 1;
      if (!state.threadLoads) $("panel").removeAttribute("aria-busy");
    }
  }

  function renderReviews(data, prefill) {
    const list = $("reviews");
    list.replaceChildren();
    let mine = null;
    for (const review of data.results) {
      if (review.reviewer === config.user) mine = review;
      const entry = document.createElement("li");
      entry.className = "review " + review.verdict;
      const head = document.createElement("div");
      const who = document.createElement("strong");
      who.textContent = review.reviewer === config.user ? `${review.reviewer} (you)` : review.reviewer;
      const verdict = document.createElement("span");
      verdict.className = "badge " + review.verdict;
      verdict.textContent = review.verdict;
      const date = document.createElement("span");
      date.className = "muted";
      date.textContent = when(review.created_at);
      head.append(who, " ", verdict, " ", date);
      entry.appendChild(head);
      if (review.rationale) {
        const rationale = document.createElement("p");
        rationale.className = "rationale";
        rationale.textContent = review.rationale;
        entry.appendChild(rationale);
      }
      if (review.evidence && review.evidence.length) {
        const links = document.createElement("ul");
        links.className = "evidence";
        for (const evidence of review.evidence) {
          const link = document.createElement("li");
          link.appendChild(safeLink(evidence.url, evidence.title));
          if (evidence.excerpt) link.append(" — ", evidence.excerpt);
          links.appendChild(link);
        }
        entry.appendChild(links);
      }
      list.appendChild(entry);
    }
    if (!data.results.length) {
      const none = document.createElement("li");
      none.className = "muted";
      none.textContent = "No reviews yet.";
      list.appendChild(none);
    }
    const hidden = $("reviews-hidden");
    hidden.hidden = !data.hidden;
    hidden.textContent = data.hidden
      ? `Blind review: ${data.hidden} review(s) by others are hidden until you submit yours.`
      : "";
    $("my-review").textContent = mine ? `Your current verdict: ${mine.verdict}.` : "You have not reviewed this item.";
    const draft = prefill && draftFor(state.selectedId);
    if (draft) {
      fillForm(draft); // kept when a save found the session gone: the reviewer submits it again
      say(`Your unsaved verdict “${draft.verdict}” is back in the form: press ${draft.verdict} to submit it.`, "", {
        about: "draft",
      });
    } else if (prefill && mine) {
      fillForm(mine);
    }
  }

  function renderComments(comments) {
    const list = $("comments");
    list.replaceChildren();
    for (const comment of comments) {
      const entry = document.createElement("li");
      const who = document.createElement("strong");
      who.textContent = comment.author;
      const date = document.createElement("span");
      date.className = "muted";
      date.textContent = " " + when(comment.created_at) + (comment.edited_at ? " (edited)" : "");
      const body = document.createElement("p");
      body.textContent = comment.body;
      entry.append(who, date, body);
      list.appendChild(entry);
    }
  }

  const ACTIONS = {
    item_add: "added it",
    review: "reviewed",
    status: "status changed",
    resolve: "editor decided",
    assign: "assigned",
    dismiss: "marked not a claim",
    span: "moved its span",
    reanchor: "re-anchored",
    comment: "commented",
    comment_edit: "edited a comment",
  };

  function summarise(values) {
    return Object.entries(values || {})
      .filter(([name]) => !["review", "comment", "version"].includes(name))
      .map(([name, value]) => [name, plain(value)])
      .filter(([, value]) => value) // an empty rationale is no change worth a line
      .map(([name, value]) => `${name}: ${value}`)
      .join(", ");
  }

  function renderHistory(events) {
    const list = $("history");
    list.replaceChildren();
    for (const event of events) {
      const entry = document.createElement("li");
      const head = document.createElement("span");
      const restored = event.action === "dismiss" && event.after && event.after.dismissed === false;
      const label = restored ? "undid “not a claim”" : ACTIONS[event.action] || event.action;
      head.textContent = `${when(event.created_at)} · ${event.actor || "system"} ${label}`;
      entry.appendChild(head);
      const before = summarise(event.before);
      const after = summarise(event.after);
      if (before || after) {
        const change = document.createElement("div");
        change.className = "muted change";
        change.textContent = before ? `${before} → ${after}` : after;
        entry.appendChild(change);
      }
      list.appendChild(entry);
    }
  }

  // --- Writes ---------------------------------------------------------------------------

  function addEvidenceRow(evidence) {
    const row = document.createElement("div");
    row.className = "evidence-row";
    const url = document.createElement("input");
    url.type = "url";
    url.placeholder = "https://…";
    url.className = "evidence-url";
    url.setAttribute("aria-label", "Evidence link");
    url.value = (evidence && evidence.url) || "";
    const title = document.createElement("input");
    title.type = "text";
    title.placeholder = "title";
    title.className = "evidence-title";
    title.setAttribute("aria-label", "Evidence title");
    title.value = (evidence && evidence.title) || "";
    const excerpt = document.createElement("input");
    excerpt.type = "text";
    excerpt.placeholder = "excerpt: the words that settle it";
    excerpt.className = "evidence-excerpt";
    excerpt.setAttribute("aria-label", "Evidence excerpt");
    excerpt.maxLength = 2000;
    excerpt.value = (evidence && evidence.excerpt) || "";
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link";
    remove.textContent = "remove";
    remove.setAttribute("aria-label", "Remove this evidence");
    remove.addEventListener("click", () => row.remove());
    row.append(url, title, excerpt, remove);
    $("evidence-rows").appendChild(row);
    return url;
  }

  function evidenceFromForm() {
    return Array.from(document.querySelectorAll("#evidence-rows .evidence-row"))
      .map((row) => ({
        url: row.querySelector(".evidence-url").value.trim(),
        title: row.querySelector(".evidence-title").value.trim(),
        excerpt: row.querySelector(".evidence-excerpt").value.trim(),
      }))
      .filter((evidence) => evidence.url);
  }

  /** Replace our copy of an item (after a write or a 412) and redraw what shows it. */
  function updateItem(item) {
    state.items.set(item.id, item);
    renderText();
    if (state.selectedId === item.id) {
      select(item.id, { scroll: false });
    }
  }

  async function reloadItem(item) {
    const result = await api("GET", itemPath(item));
    if (result.ok) updateItem(result.data);
  }

  function showConflict(current, verdict) {
    state.lastVerdict = { verdict, itemId: current.id };
    // Other reviewers' reviews never conflict with yours (the API accepts them): a 412 on a
    // verdict means the item itself changed (its span, speaker, the editor's decision, ...).
    const message =
      `This ${current.kind} itself was changed while you were deciding (its words, speaker, assignment or ` +
      `an editor's decision): it is now ${current.status}` +
      (current.dismissed ? " and marked not a claim" : "") +
      `. Your verdict “${verdict}” was not saved; the panel shows the ${current.kind} as it is now. ` +
      "Apply yours again if it still stands.";
    $("conflict-message").textContent = message;
    $("conflict").hidden = false;
  }

  async function submitVerdict(verdict, { stay = false } = {}) {
    const item = state.items.get(state.selectedId);
    if (!item || !config.canReview) return;
    const body = { verdict, rationale: $("rationale").value, evidence: evidenceFromForm() };
    say(`Saving “${verdict}”…`);
    const result = await api("POST", itemPath(item) + "reviews/", body, ifMatch(item));
    if (result.status === 201) {
      $("conflict").hidden = true;
      window.clearTimeout(state.typingTimer);
      sayPresence(false);
      draftForget(item.id);
      $("login-again").hidden = true;
      say(`Saved: ${verdict}.`, "ok");
      state.mine.add(item.id);
      await reloadItem(item);
      await loadProgress();
      if (state.selectedId === item.id) advance(stay);
    } else if (result.status === 412 && result.data && result.data.current) {
      const current = result.data.current;
      updateItem(current); // keeps the rationale typed: select() clears the form only on a new item
      showConflict(current, verdict);
      say("Not saved: someone changed the item first.", "error");
    } else if (loggedOut(result)) {
      draftKeep(item.id, { verdict, rationale: body.rationale, evidence: body.evidence });
      showLoginAgain(item.id);
      say(`Not saved: you are logged out. Your verdict “${verdict}” is kept in this tab.`, "error", { about: "session" });
    } else {
      say("Not saved. " + errorMessage(result), "error");
    }
  }

  async function dismissSelected() {
    const item = state.items.get(state.selectedId);
    const reason = $("dismiss-reason").value.trim();
    if (!item) return;
    if (!reason) {
      say("Say why this is not a claim first.", "error");
      $("dismiss-reason").focus();
      return;
    }
    const result = await api("POST", itemPath(item) + "dismiss/", { reason }, ifMatch(item));
    showItemWrite(result, `Marked ${item.kind} ${item.id} not a claim.`);
  }

  async function restoreSelected() {
    const item = state.items.get(state.selectedId);
    if (!item) return;
    const result = await api("POST", itemPath(item) + "restore/", undefined, ifMatch(item));
    showItemWrite(result, `${item.kind} ${item.id} is back: "not a ${item.kind}" undone.`);
  }

  // The answer to a write on the item itself (If-Match): the item as it is now, and what happened.
  function showItemWrite(result, savedMessage) {
    if (result.ok) {
      say(savedMessage, "ok");
      updateItem(result.data);
    } else if (result.status === 412 && result.data && result.data.current) {
      updateItem(result.data.current);
      say("Not saved: someone changed the item first. Look at it again, then retry.", "error");
    } else {
      say("Not saved. " + errorMessage(result), "error");
    }
  }

  async function addComment() {
    const item = state.items.get(state.selectedId);
    const body = $("comment-body").value;
    if (!item || !body.trim()) return;
    const result = await api("POST", itemPath(item) + "comments/", { body });
    if (result.status === 201) {
      $("comment-body").value = "";
      refreshThreads(item);
    } else {
      say("Comment not saved. " + errorMessage(result), "error");
    }
  }

  async function addMissed(kind) {
    const span = state.pendingSpan;
    if (!span) return;
    const body = { article: config.article, start: span.start, end: span.end, text: span.text };
    if (kind === "quote") body.speaker = $("selection-speaker").value.trim();
    const result = await api("POST", `${kind}s/`, body);
    if (result.status === 201) {
      state.pendingSpan = null;
      $("selection-box").hidden = true;
      state.items.set(result.data.id, result.data);
      renderText();
      select(result.data.id);
      say(`Added ${kind} ${result.data.id}.`, "ok");
    } else {
      say(`Not added. ${errorMessage(result)}`, "error");
    }
  }

  // --- Text selection -> code point offsets ---------------------------------------------

  /** The code point offset of a DOM position inside the article text, or null outside it. */
  function codePointOffset(node, offset) {
    const container = $("article-text");
    if (!container.contains(node)) return null;
    if (node.nodeType === Node.TEXT_NODE) {
      const segment = node.parentElement.closest("[data-start], [data-nontext]");
      if (!segment) return null;
      if (segment.dataset.nontext) return Number(segment.dataset.at);
      return Number(segment.dataset.start) + Array.from(node.data.slice(0, offset)).length;
    }
    // An element position: "before child number ``offset``".
    const element = node === container ? container : node.closest("[data-start], [data-nontext]");
    if (element !== container) {
      if (element.dataset.nontext) return Number(element.dataset.at);
      return Number(offset === 0 ? element.dataset.start : element.dataset.end);
    }
    const children = container.children;
    if (offset < children.length) {
      const child = children[offset];
      return Number(child.dataset.nontext ? child.dataset.at : child.dataset.start);
    }
    return state.chars.length;
  }

  function onSelectionChange() {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const container = $("article-text");
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return;
    let start = codePointOffset(range.startContainer, range.startOffset);
    let end = codePointOffset(range.endContainer, range.endOffset);
    if (start === null || end === null) return;
    if (start > end) [start, end] = [end, start];
    // Trim white space at either edge: the API refuses spans of white space only.
    while (start < end && /\s/u.test(state.chars[start])) start += 1;
    while (end > start && /\s/u.test(state.chars[end - 1])) end -= 1;
    if (selection.isCollapsed || start >= end) {
      state.pendingSpan = null;
      $("selection-box").hidden = true;
      return;
    }
    const text = state.chars.slice(start, end).join("");
    state.pendingSpan = { start, end, text };
    $("selection-text").textContent = text;
    $("selection-box").hidden = !config.canReview;
    $("selection-box").dataset.start = String(start);
    $("selection-box").dataset.end = String(end);
    // On a phone the panel is below the text: bring the box into view, leaving the selection be.
    if (config.canReview && !isInView($("selection-box"))) $("selection-box").scrollIntoView({ block: "nearest" });
  }

  function isInView(element) {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
  }

  // --- Navigation and keyboard ----------------------------------------------------------

  function step(direction) {
    const order = navigationOrder();
    if (!order.length) return;
    const at = order.findIndex((item) => item.id === state.selectedId);
    let next;
    if (at === -1) next = direction > 0 ? 0 : order.length - 1;
    else next = Math.min(order.length - 1, Math.max(0, at + direction));
    select(order[next].id, { focus: true });
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const typing = target.closest && target.closest("input, textarea, select, [contenteditable=true]");
    if (typing) {
      if (event.key === "Escape") target.blur();
      if (event.key === "Enter" && target.id === "dismiss-reason") dismissSelected();
      return;
    }
    const key = event.key.toLowerCase();
    const actions = {
      j: () => step(1),
      k: () => step(-1),
      // Shift with a verdict key: stay on the item instead of moving to the next one.
      c: () => submitVerdict("correct", { stay: event.shiftKey }),
      d: () => submitVerdict("disputed", { stay: event.shiftKey }),
      u: () => submitVerdict("unverified", { stay: event.shiftKey }),
      n: () => {
        const next = nextUnreviewed();
        if (next) select(next.id, { focus: true });
        else showEndOfArticle();
      },
      x: () => {
        if (!state.selectedId) return;
        $("dismiss-box").open = true;
        $("dismiss-reason").focus();
      },
      r: () => state.selectedId && $("rationale").focus(),
    };
    if (actions[key]) {
      event.preventDefault();
      actions[key]();
    }
  }

  // --- Others' changes: follow the article's desk events --------------------------------
  //
  // One request a poll: the catch-up endpoint (GET articles/{id}/events/?after=P) answers every
  // change after the last position this page has seen, in commit order, with blind mode applied.
  // Only what an event names is read again: the item (and its threads when it is selected), or
  // the article and all its items after a new revision, a publication or finished extraction.

  // Events that change the article or every item on it at once.
  const WHOLE_ARTICLE_EVENTS = new Set(["publish", "reopen", "revise", "settings", "extract"]);

  /** Where this page starts following the article: read before the article and its items. */
  async function followFromLatest() {
    const result = await api("GET", `articles/${config.article}/events/?latest=true`);
    if (!result.ok) throw Object.assign(new Error(errorMessage(result)), { loggedOut: loggedOut(result) });
    state.position = result.data.next;
  }

  /** Every event after ``state.position`` (asking again while a page was full), and the next position. */
  async function eventsSinceLastPoll() {
    const events = [];
    let after = state.position;
    for (;;) {
      const result = await api("GET", `articles/${config.article}/events/?after=${after}`);
      if (!result.ok) throw Object.assign(new Error(errorMessage(result)), { loggedOut: loggedOut(result) });
      events.push(...result.data.events);
      after = result.data.next;
      if (!result.data.more) return { events, next: after };
    }
  }

  const extractionWaiting = () =>
    Boolean(state.article && state.article.extraction && ["queued", "running"].includes(state.article.extraction.status));

  async function applyEvents(events) {
    const touchesAll = (event) =>
      WHOLE_ARTICLE_EVENTS.has(event.type) || (event.type === "job" && event.payload.status === "done");
    const byOthersOf = (list) => new Set(list.filter((e) => e.item && e.actor !== config.user).map((e) => e.item));
    if (events.some(touchesAll)) {
      const wasPublished = Boolean(state.article && state.article.published);
      await loadArticle();
      // This reader's own revision, publication or settings change moves items too: only a
      // change to the whole article by someone else (or a worker) is told as theirs.
      const othersAll = events.some((event) => touchesAll(event) && event.actor !== config.user);
      showItems(await loadItems(), {
        publishedChanged: wasPublished !== Boolean(state.article.published),
        byOthers: othersAll ? null : byOthersOf(events),
      });
      return;
    }
    // A waiting job's age and the workers' state are read again each poll, as they change by the clock.
    if (extractionWaiting() || events.some((event) => event.type === "job")) await loadArticle();
    const named = new Map(); // item id -> kind, of the items the events name
    for (const event of events) if (event.item && event.item_kind) named.set(event.item, event.item_kind);
    if (!named.size) return;
    // This reader's own save comes back as an event too, often before its answer is read.
    const byOthers = byOthersOf(events);
    const answers = await Promise.all(Array.from(named, ([id, kind]) => api("GET", `${kind}s/${id}/`)));
    const items = new Map(state.items);
    for (const result of answers) {
      if (result.ok) items.set(result.data.id, result.data);
      else if (result.status !== 404) {
        throw Object.assign(new Error(errorMessage(result)), { loggedOut: loggedOut(result) });
      }
    }
    showItems(items, { threadsOf: named, byOthers });
  }

  /** Make ``items`` the page's and redraw what changed; the selected item's threads are read
   * again when ``threadsOf`` names it (or always, after the whole article was read again). A change
   * to it is told as someone else's unless ``byOthers`` (the items others changed) leaves it out. */
  function showItems(items, { publishedChanged = false, threadsOf = null, byOthers = null } = {}) {
    const changed = signature(items) !== signature(state.items) || publishedChanged;
    const selected = state.selectedId && state.items.get(state.selectedId);
    const selectedNow = state.selectedId && items.get(state.selectedId);
    state.items = items;
    if (changed) renderText();
    loadProgress(); // others' reviews move "waiting for a second review"
    if (selectedNow) {
      if (!selected || selected.version !== selectedNow.version || publishedChanged) {
        renderItemFacts(selectedNow);
        if (selected && selected.version !== selectedNow.version && (!byOthers || byOthers.has(selectedNow.id))) {
          say(`${selectedNow.kind} ${selectedNow.id} was just changed by someone else.`, "", { background: true });
        }
      }
      // Comments do not change the version: an event about the item says to read them.
      if (!threadsOf || threadsOf.has(selectedNow.id)) refreshThreads(selectedNow);
    }
  }

  async function poll() {
    if (state.polling || document.hidden) return;
    if (state.desk && state.desk.isOpen() && !state.pushFailed) {
      // Changes are pushed: an idle page asks nothing. Only a waiting job's age changes by the clock.
      if (extractionWaiting()) loadArticle().catch(() => {});
      return;
    }
    state.polling = true;
    try {
      // In turn with pushed batches, so an older answer never lands after a newer one.
      const caughtUp = state.applying.then(async () => {
        const { events, next } = await eventsSinceLastPoll();
        await applyEvents(events);
        state.position = Math.max(state.position, next); // only once applied: what failed is asked again
        state.pushFailed = false;
      });
      state.applying = caughtUp.catch(() => {}); // the chain goes on whatever this one did
      await caughtUp;
      if (!$("login-again").hidden) loggedInAgain();
      if (state.desk && state.socketStopped === 4401) state.desk.restart(); // logged in again: follow live
      if (state.pollFailed) {
        unsay("poll");
        say("Connected again: the page is up to date.", "ok", { background: true });
      }
      state.pollFailed = false;
    } catch (error) {
      state.pollFailed = true;
      if (error.loggedOut) showLoginAgain(state.selectedId);
      const why = error.loggedOut ? "you are logged out. Log in again to see others' changes." : error.message;
      say("Could not refresh: " + why, "error", { background: true, about: "poll" });
    } finally {
      state.polling = false;
    }
  }

  // --- Pushed changes and who else is here (desk_socket.js) ------------------------------

  function socketUrl() {
    const origin = config.pushUrl || (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host;
    return `${origin}/ws/articles/${config.article}/`;
  }

  function setLiveState(name, text) {
    $("live-state").dataset.state = name;
    $("live-state").textContent = text;
  }

  /** A batch the socket pushed: applied after the one before it, as a poll's would be.
   * While an earlier batch failed, pushes are not applied and move nothing: the next tick's
   * catch-up call reads from the last position applied, the failed batch included. */
  function onPushed({ events, next }) {
    state.applying = state.applying.then(async () => {
      if (state.pushFailed) return;
      const fresh = events.filter((event) => event.position > state.position);
      if (!fresh.length && next <= state.position) return;
      try {
        if (fresh.length) await applyEvents(fresh);
        else await loadProgress(); // only changes hidden from this reader (blind mode): counts may move
        state.position = Math.max(state.position, next);
      } catch (error) {
        state.pushFailed = true;
        if (error.loggedOut) showLoginAgain(state.selectedId);
        say("Could not refresh: " + (error.message || error), "error", { background: true, about: "poll" });
      }
    });
  }

  function openSocket() {
    if (!window.WebSocket || !window.FactcheckDeskSocket) return; // polling it is
    state.desk = window.FactcheckDeskSocket.openDeskSocket({
      url: socketUrl(),
      position: () => state.position,
      onEvents: onPushed,
      onPresence: renderPresence,
      onOpen: () => {
        state.socketStopped = null;
        setLiveState("live", "Live");
        if (state.pollFailed) {
          state.pollFailed = false;
          unsay("poll");
          say("Connected again: the page is up to date.", "ok", { background: true });
        }
      },
      onDown: () => setLiveState("down", `Reconnecting… changes are read every ${config.pollSeconds} s meanwhile`),
      onStopped: (code, reason) => {
        state.socketStopped = code;
        setLiveState("down", `Not live (${reason}): changes are read every ${config.pollSeconds} s`);
        if (code === 4401) {
          showLoginAgain(state.selectedId);
          say("You are logged out. Log in again to see others' changes as they happen.", "error", { background: true, about: "session" });
        }
      },
    });
  }

  const personOn = (person) => {
    const item = person.item && state.items.get(person.item);
    if (!item) return person.user;
    return `${person.user} (${item.kind} ${item.id}${person.typing ? ", writing" : ""})`;
  };

  function renderPresence(people) {
    state.people = people.filter((person) => person.user !== config.user);
    const box = $("presence");
    box.textContent = state.people.length ? "Also here: " + state.people.map(personOn).join(", ") : "";
    markPeople();
    renderItemPresence();
  }

  /** Outline the items someone else has selected, in the text. */
  function markPeople() {
    const taken = new Set(state.people.filter((person) => person.item).map((person) => String(person.item)));
    for (const span of document.querySelectorAll("#article-text [data-items]")) {
      span.classList.toggle("others-here", span.dataset.items.split(" ").some((id) => taken.has(id)));
    }
  }

  function renderItemPresence() {
    const note = $("item-presence");
    const here = state.people.filter((person) => person.item && person.item === state.selectedId);
    note.hidden = !here.length;
    note.textContent = here
      .map((person) => (person.typing ? `${person.user} is writing a rationale on this item` : `${person.user} has this item open`))
      .join("; ") + (here.length ? "." : "");
  }

  /** Tell the others what this page has selected, and whether a rationale is being typed. */
  function sayPresence(typing) {
    if (state.desk) state.desk.sayPresence(state.selectedId || null, Boolean(typing && state.selectedId));
  }

  function onRationaleInput() {
    sayPresence(true);
    window.clearTimeout(state.typingTimer);
    state.typingTimer = window.setTimeout(() => sayPresence(false), 5000); // stopped typing
  }

  /** Read the article and its items again (after a new revision, publication, ...). */
  async function reloadAll() {
    await loadArticle();
    state.items = await loadItems();
    renderText();
    await loadProgress();
    const selected = state.selectedId && state.items.get(state.selectedId);
    if (selected) renderItemFacts(selected);
  }

  // What editor.js (the editor's tools on this page) uses; nothing else is global.
  window.FactcheckReview = { api, errorMessage, say, state, ifMatch, itemPath, updateItem, reloadAll, config };

  // --- Start ----------------------------------------------------------------------------

  async function start() {
    $("article-text").addEventListener("click", (event) => {
      if (!window.getSelection().isCollapsed) return; // selecting text, not picking an item
      const segment = event.target.closest("[data-items], [data-nontext]");
      if (!segment) return;
      if (segment.dataset.nontext) {
        select(Number(segment.dataset.item), { scroll: false });
        return;
      }
      const covering = segment.dataset.items.split(" ").map(Number).map((id) => state.items.get(id)).filter(Boolean);
      const live = covering.filter((item) => !item.dismissed);
      const pick = innermost(live.length ? live : covering);
      if (pick) select(pick.id, { scroll: false });
    });
    $("article-text").addEventListener("keydown", (event) => {
      const target = event.target.closest && event.target.closest("[data-focus-item]");
      if (!target || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      select(Number(target.dataset.focusItem), { scroll: false });
    });
    $("sheet-toggle").addEventListener("click", () => {
      const collapsed = $("panel").classList.toggle("collapsed");
      $("sheet-toggle").textContent = collapsed ? "Show the panel" : "Hide the panel";
      $("sheet-toggle").setAttribute("aria-expanded", String(!collapsed));
    });
    document.addEventListener("selectionchange", onSelectionChange);
    document.addEventListener("keydown", onKey);
    for (const button of document.querySelectorAll("button[data-verdict]")) {
      button.addEventListener("click", (event) => submitVerdict(button.dataset.verdict, { stay: event.shiftKey }));
    }
    $("dismiss").addEventListener("click", dismissSelected);
    $("restore").addEventListener("click", restoreSelected);
    $("add-comment").addEventListener("click", addComment);
    $("rationale").addEventListener("input", onRationaleInput);
    $("add-evidence").addEventListener("click", () => addEvidenceRow().focus());
    $("add-claim").addEventListener("click", () => addMissed("claim"));
    $("add-quote").addEventListener("click", () => addMissed("quote"));
    $("conflict-reapply").addEventListener("click", () => {
      if (state.lastVerdict && state.lastVerdict.itemId === state.selectedId) submitVerdict(state.lastVerdict.verdict);
    });
    $("conflict-dismiss").addEventListener("click", () => ($("conflict").hidden = true));
    if ($("retry-extraction")) $("retry-extraction").addEventListener("click", retryExtraction);
    const stay = $("stay-after-verdict");
    stay.checked = window.localStorage.getItem(STAY_KEY) === "1";
    stay.addEventListener("change", () => window.localStorage.setItem(STAY_KEY, stay.checked ? "1" : "0"));
    if (!config.canRead) {
      $("article-text").textContent = "Your account has no desk role yet: ask an editor to give you one.";
      return;
    }
    try {
      await followFromLatest(); // first: a change made while the rest loads is told by the next poll
      await loadArticle();
      state.items = await loadItems();
      await loadProgress();
      renderText();
      const drafts = draftItemIds().filter((id) => state.items.has(id));
      const wanted = Number(new URLSearchParams(window.location.search).get("item")) || drafts[0];
      if (wanted && state.items.has(wanted)) select(wanted); // from "My queue", or back from logging in again
      if (new URLSearchParams(window.location.search).has("ingested")) {
        say("Article added: its extraction is queued, and its claims and quotes appear here when a worker has read it.", "ok");
      }
      document.body.dataset.ready = "1"; // tests and people alike: the page is usable now
    } catch (error) {
      $("article-text").textContent = "Could not load the article: " + error.message;
      return;
    }
    openSocket();
    sayPresence(false); // the item opened from "My queue" or a kept draft, before the socket existed
    setInterval(poll, Math.max(1, config.pollSeconds) * 1000);
  }

  start();
})();
