/**
 * "Checked before" on the review page: the selected item's earlier fact-checks, from
 * GET /api/v1/{kind}s/{id}/matches/, with "Apply this verdict" (fills the rationale and an
 * evidence link of the verdict form and points at the verdict button: the reviewer still
 * submits) and a reviewer's feedback (confirm / not the same claim).
 *
 * Listens to review.js's "factcheck:item-shown" event; touches the verdict form only through
 * its public fields (#rationale, #add-evidence and the rows it adds, the data-verdict buttons).
 */
(function () {
  "use strict";

  const box = document.getElementById("matches-box");
  const configNode = document.getElementById("review-config");
  if (!box || !configNode) return;
  const config = JSON.parse(configNode.textContent);
  const csrfToken = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const list = document.getElementById("matches");
  const stateLine = document.getElementById("matches-state");
  const VERDICTS = ["correct", "disputed", "unverified"];
  let shown = null; // {item, writable} of the item whose matches are listed
  let loading = 0; // reads of earlier checks under way: the box is busy until none is

  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": decodeURIComponent(csrfToken) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const message = (data && data.error && data.error.message) || `HTTP ${response.status}`;
      throw new Error(message);
    }
    return data;
  }

  function webLink(url) {
    // Only http(s) links (or this site's own paths) become links: never a "javascript:" URL.
    if (!url) return null;
    try {
      const absolute = new URL(url, window.location.origin);
      return absolute.protocol === "http:" || absolute.protocol === "https:" ? absolute.href : null;
    } catch (error) {
      return null;
    }
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function sourceOf(check) {
    return check.source === "desk" ? `this desk${check.publisher ? ` (${check.publisher})` : ""}` : check.publisher || "an outside fact-checker";
  }

  function applyVerdict(match) {
    const check = match.factcheck;
    const rationale = document.getElementById("rationale");
    const note = check.rationale || `Checked before by ${sourceOf(check)}: rated “${check.rating || check.verdict}”.`;
    if (rationale && !rationale.value.includes(note)) rationale.value = rationale.value ? `${rationale.value}\n${note}` : note;
    const link = webLink(check.url);
    const existing = Array.from(document.querySelectorAll("#evidence-rows .evidence-url")).map((input) => input.value);
    if (link && !existing.includes(link)) {
      document.getElementById("add-evidence").click();
      const rows = document.querySelectorAll("#evidence-rows .evidence-row");
      const row = rows[rows.length - 1];
      row.querySelector(".evidence-url").value = link;
      row.querySelector(".evidence-title").value = `${sourceOf(check)}: ${check.title || check.rating || check.verdict}`;
    }
    for (const button of document.querySelectorAll("#verdict-box button[data-verdict]")) {
      button.classList.toggle("suggested", button.dataset.verdict === check.verdict);
    }
    const target = document.querySelector(`#verdict-box button[data-verdict="${check.verdict}"]`);
    stateLine.textContent = `Filled from the earlier check. Press “${check.verdict}” to submit it as your verdict.`;
    if (target) target.focus();
  }

  async function feedback(match, value, itemAtClick) {
    const path = `/api/v1/${itemAtClick.kind}s/${itemAtClick.id}/matches/${match.id}/feedback/`;
    try {
      await api("POST", path, { feedback: value });
      stateLine.textContent = value === "reject" ? "Rejected: it will not be shown again." : "Confirmed.";
      if (shown && shown.item.id === itemAtClick.id) load(shown.item, shown.writable);
    } catch (error) {
      stateLine.textContent = `Could not save the feedback: ${error.message}`;
    }
  }

  function render(item, writable, data) {
    list.replaceChildren();
    const matches = data.results || [];
    const run = data.matching;
    if (run && run.status === "failed") {
      stateLine.textContent = `Matching failed: ${run.error}`;
    } else if (run && (run.status === "queued" || run.status === "running")) {
      stateLine.textContent = matches.length ? "Matching again…" : "Looking for earlier checks…";
    } else {
      stateLine.textContent = matches.length ? "" : "No earlier check found.";
    }
    box.hidden = !matches.length && !(run && run.status === "failed");
    for (const match of matches) {
      const check = match.factcheck;
      const entry = element("li", "match");
      entry.dataset.match = String(match.id);
      const head = element("p", "match-head");
      const verdict = VERDICTS.includes(check.verdict) ? check.verdict : "";
      head.append(
        element("span", `badge ${verdict || "unverified"}`, check.rating || check.verdict || "rated"),
        " ",
        element("span", "match-score", `${Math.round(match.score * 100)}% alike`),
        " · ",
        element("span", "match-source", sourceOf(check)),
      );
      if (check.date) head.append(" · ", element("time", "match-date", check.date.slice(0, 10)));
      entry.append(head, element("q", "match-claim", check.claim));
      const link = webLink(check.url);
      if (link) {
        const anchor = element("a", "match-link", check.source === "desk" ? "the earlier item" : "the fact-check");
        anchor.href = link;
        anchor.rel = "noopener noreferrer";
        anchor.target = "_blank";
        entry.append(" ", anchor);
      }
      if (check.rationale) entry.append(element("p", "match-rationale muted", check.rationale));
      const buttons = element("p", "buttons match-actions");
      if (writable && verdict) {
        const apply = element("button", "apply-verdict", "Apply this verdict");
        apply.type = "button";
        apply.addEventListener("click", () => applyVerdict(match));
        buttons.append(apply, " ");
      }
      if (config.canReview) {
        if (match.feedback === "confirmed") {
          buttons.append(element("span", "muted", `confirmed by ${match.feedback_by}`), " ");
        } else {
          const confirm = element("button", "link confirm-match", "Same claim");
          confirm.type = "button";
          confirm.addEventListener("click", () => feedback(match, "confirm", item));
          buttons.append(confirm, " ");
        }
        const reject = element("button", "link reject-match", "Not the same claim");
        reject.type = "button";
        reject.addEventListener("click", () => feedback(match, "reject", item));
        buttons.append(reject);
      }
      entry.append(buttons);
      list.append(entry);
    }
  }

  async function load(item, writable) {
    shown = { item, writable };
    if (item.kind !== "claim" && item.kind !== "quote") return;
    loading += 1;
    box.setAttribute("aria-busy", "true"); // cleared once shown, so what follows it stops moving
    try {
      const data = await api("GET", `/api/v1/${item.kind}s/${item.id}/matches/`);
      if (!shown || shown.item.id !== item.id) return; // the reviewer moved on while this loaded
      render(item, writable, data);
    } catch (error) {
      box.hidden = false;
      list.replaceChildren();
      stateLine.textContent = `Could not load earlier checks: ${error.message}`;
    } finally {
      loading -= 1;
      if (!loading) box.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("factcheck:item-shown", (event) => {
    const { item, writable } = event.detail;
    if (shown && shown.item.id === item.id && shown.item.version === item.version) return;
    for (const button of document.querySelectorAll("#verdict-box button.suggested")) button.classList.remove("suggested");
    box.hidden = true;
    list.replaceChildren();
    stateLine.textContent = "";
    load(item, writable);
  });
})();
