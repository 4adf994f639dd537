/*
 * The editor's tools on the review page: publish (with a warning listing what is still
 * unverified) and reopen, blind review, title and text (a new revision, with how its items were
 * carried over), assigning, deciding an item's status and correcting a quote's speaker.
 *
 * Loaded only for editors, after review.js, whose window.FactcheckReview it uses. Every write
 * goes through the REST API, hence through the same services, history and webhooks as any
 * client's. As in review.js, text from articles and users is set with textContent only.
 */
(function () {
  "use strict";

  const review = window.FactcheckReview;
  if (!review) return;
  const $ = (id) => document.getElementById(id);
  const articlePath = `articles/${review.config.article}/`;
  let shown = { id: null, version: null };

  function tell(message, kind) {
    const line = $("desk-result");
    line.textContent = message;
    line.className = "desk-result " + (kind || "");
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  // --- The article ------------------------------------------------------------------------

  document.addEventListener("factcheck:article-loaded", (event) => {
    const article = event.detail;
    $("publish").hidden = article.published;
    $("reopen").hidden = !article.published;
    $("blind-review").checked = article.blind_review;
    $("article-title").textContent = article.title || "(untitled)";
    if (!$("edit-article").open) {
      $("edit-title").value = article.title || "";
      $("edit-text").value = article.text || "";
    }
    for (const id of ["blind-review", "save-title", "save-text", "assign-article-go"]) $(id).disabled = article.published;
  });

  /** What publishing now would leave unverified, as this editor's page shows it. */
  function unverifiedNow() {
    const items = Array.from(review.state.items.values()).filter((item) => !item.dismissed);
    const live = items.filter((item) => !item.orphaned && item.revision === review.state.revision);
    const unverified = (kind) => live.filter((item) => item.kind === kind && item.status === "unverified").length;
    return {
      claims: unverified("claim"),
      quotes: unverified("quote"),
      rereview: live.filter((item) => item.needs_rereview).length,
      orphaned: items.filter((item) => item.orphaned).length,
    };
  }

  async function publish() {
    const result = await review.api("POST", articlePath + "publish/");
    $("publish-dialog").close();
    if (!result.ok) {
      tell("Not published. " + review.errorMessage(result), "error");
      return;
    }
    tell("Published: its items are locked until an editor reopens it.", "ok");
    await review.reloadAll();
    $("reopen").focus();
  }

  $("publish").addEventListener("click", () => {
    const open = unverifiedNow();
    const waiting = open.claims + open.quotes;
    const list = $("publish-counts");
    list.replaceChildren();
    const lines = [
      [open.claims, plural(open.claims, "claim is unverified", "claims are unverified")],
      [open.quotes, plural(open.quotes, "quote is unverified", "quotes are unverified")],
      [open.rereview, plural(open.rereview, "item needs re-review", "items need re-review") + " after a text change"],
      [open.orphaned, plural(open.orphaned, "item was", "items were") + " not found in the current text"],
    ];
    for (const [n, text] of lines) {
      if (!n) continue;
      const entry = document.createElement("li");
      entry.textContent = text;
      list.appendChild(entry);
    }
    const warn = waiting + open.rereview + open.orphaned > 0;
    $("publish-dialog-title").textContent = warn ? "Publish with unreviewed items?" : "Publish this article?";
    $("publish-summary").textContent = warn
      ? "Not everything on this article has a verdict yet:"
      : "Every item has a verdict.";
    $("publish-confirm").textContent = warn ? "Publish anyway" : "Publish";
    $("publish-dialog").showModal();
    $("publish-cancel").focus(); // the safe choice has the focus
  });
  $("publish-confirm").addEventListener("click", publish);
  $("publish-cancel").addEventListener("click", () => {
    $("publish-dialog").close();
    $("publish").focus();
  });

  $("reopen").addEventListener("click", async () => {
    const result = await review.api("POST", articlePath + "reopen/");
    if (!result.ok) {
      tell("Not reopened. " + review.errorMessage(result), "error");
      return;
    }
    tell("Reopened: its items can change again.", "ok");
    await review.reloadAll();
    $("publish").focus();
  });

  async function patchArticle(body, done) {
    const result = await review.api("PATCH", articlePath, body);
    if (!result.ok) {
      tell("Not saved. " + review.errorMessage(result), "error");
      return null;
    }
    tell(done, "ok");
    return result;
  }

  $("blind-review").addEventListener("change", async (event) => {
    const on = event.target.checked;
    const saved = await patchArticle(
      { blind_review: on },
      on ? "Blind review on: reviewers see others' reviews after their own." : "Blind review off.",
    );
    if (!saved) event.target.checked = !on;
    await review.reloadAll();
  });

  $("save-title").addEventListener("click", async () => {
    if (await patchArticle({ title: $("edit-title").value.trim() }, "Title saved.")) await review.reloadAll();
  });

  $("save-text").addEventListener("click", async () => {
    const before = new Map(
      Array.from(review.state.items.values()).map((item) => [item.id, { ...item }]),
    );
    const revision = review.state.revision;
    const saved = await patchArticle({ text: $("edit-text").value }, "Saving the new revision…");
    if (!saved) return;
    await review.reloadAll();
    if (review.state.revision === revision) {
      tell("The text is the same as the current revision: nothing changed.", "ok");
      return;
    }
    let exact = 0;
    let fuzzy = 0;
    let lost = 0;
    for (const [id, old] of before) {
      if (old.orphaned) continue; // was not on the current text before either
      const now = review.state.items.get(id);
      if (!now || (now.orphaned && !old.orphaned)) lost += 1;
      else if (now.needs_rereview && !old.needs_rereview) fuzzy += 1;
      else exact += 1;
    }
    tell(
      `New revision saved. ${plural(exact, "item", "items")} found again exactly; ` +
        `${fuzzy} moved with changed words and need re-review; ` +
        `${lost} not found (listed under “Not found in the current text”). Extraction runs again on the new text.`,
      "ok",
    );
  });

  $("assign-article-go").addEventListener("click", async () => {
    const assignee = $("assign-article").value || null;
    const result = await review.api("POST", articlePath + "assign/", { assignee });
    if (!result.ok) {
      tell("Not assigned. " + review.errorMessage(result), "error");
      return;
    }
    tell(`Every item assigned to ${assignee || "nobody"}.`, "ok");
    await review.reloadAll();
  });

  // --- The selected item ------------------------------------------------------------------

  document.addEventListener("factcheck:item-shown", (event) => {
    const { item, writable } = event.detail;
    const fresh = shown.id !== item.id || shown.version !== item.version;
    shown = { id: item.id, version: item.version };
    const box = $("editor-box");
    const typing = box.contains(document.activeElement);
    if (fresh && !typing) {
      $("resolve-status").value = item.resolution_status || item.status;
      $("resolve-note").value = item.resolution_note || "";
      $("assign-item").value = item.assigned_to || "";
      $("speaker-input").value = item.speaker || "";
    }
    $("speaker-row").hidden = item.kind !== "quote";
    for (const control of box.querySelectorAll("button, input, select")) control.disabled = !writable;
  });

  async function itemWrite(action, body, done) {
    const item = review.state.items.get(review.state.selectedId);
    if (!item) return;
    const result = await review.api("POST", review.itemPath(item) + action, body, review.ifMatch(item));
    if (result.ok) {
      review.updateItem(result.data);
      review.say(done(result.data), "ok");
    } else if (result.status === 412 && result.data && result.data.current) {
      review.updateItem(result.data.current);
      review.say("Not saved: someone changed the item first. The panel shows it as it is now; apply yours again.", "error");
    } else {
      review.say("Not saved. " + review.errorMessage(result), "error");
    }
  }

  $("resolve").addEventListener("click", () =>
    itemWrite(
      "resolve/",
      { status: $("resolve-status").value, note: $("resolve-note").value },
      (item) => `Decided: ${item.kind} ${item.id} is ${item.status}.`,
    ),
  );
  $("assign").addEventListener("click", () =>
    itemWrite(
      "assign/",
      { assignee: $("assign-item").value || null },
      (item) => `${item.kind} ${item.id} assigned to ${item.assigned_to || "nobody"}.`,
    ),
  );
  $("save-speaker").addEventListener("click", () =>
    itemWrite(
      "speaker/",
      { speaker: $("speaker-input").value },
      (item) => `Speaker of quote ${item.id} is now ${item.speaker}.`,
    ),
  );
})();
