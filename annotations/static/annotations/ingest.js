/*
 * Add an article: the form is sent to POST /api/v1/articles/ as the API's own JSON body, so the
 * checks, the error body ({"error": {"code", "message", "fields"}}) and the ingest service are
 * the API's. A file is read here: a .txt file is sent as "text", anything else as "html".
 * Messages are set with textContent only.
 */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("ingest-config").textContent);
  const csrfToken = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const $ = (id) => document.getElementById(id);
  const form = $("ingest-form");
  const METADATA = ["title", "publisher", "source_url", "byline", "published_date", "language"];

  function source() {
    return form.querySelector("input[name=source]:checked").value;
  }

  function showSource() {
    for (const block of form.querySelectorAll("[data-source]")) block.hidden = block.dataset.source !== source();
  }

  function clearErrors() {
    $("ingest-message").textContent = "";
    $("ingest-message").className = "form-message";
    for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  }

  function showError(error) {
    $("ingest-message").textContent = error.message;
    $("ingest-message").className = "form-message error";
    let first = null;
    for (const [name, messages] of Object.entries(error.fields || {})) {
      const slot = form.querySelector(`.field-error[data-field="${CSS.escape(name)}"]`);
      if (!slot) continue;
      slot.textContent = [].concat(messages).join(" ");
      const input = form.querySelector(`[name="${CSS.escape(name === "html" ? "file" : name)}"]`);
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    }
    (first || $("ingest-message")).focus();
  }

  function readFile(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsText(file);
    });
  }

  async function body() {
    const data = {};
    const chosen = source();
    if (chosen === "text") data.text = $("ingest-text").value;
    if (chosen === "url") data.url = $("ingest-url").value.trim();
    if (chosen === "file") {
      const file = $("ingest-file").files[0];
      if (!file) return { error: { message: "html: Choose a file.", fields: { html: ["Choose a file."] } } };
      if (file.size > config.maxBytes) {
        const megabytes = Math.round(config.maxBytes / 1024 / 1024);
        return { error: { message: `The file is over ${megabytes} MB, more than the desk accepts.`, fields: { html: ["Too large."] } } };
      }
      const content = await readFile(file);
      if (/\.txt$/i.test(file.name) || file.type === "text/plain") data.text = content;
      else data.html = content;
    }
    for (const name of METADATA) {
      const value = form.elements[name].value.trim();
      if (value) data[name] = value;
    }
    return { data };
  }

  form.addEventListener("change", (event) => {
    if (event.target.name === "source") showSource();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const built = await body();
    if (built.error) {
      showError(built.error);
      return;
    }
    $("ingest-submit").disabled = true;
    $("ingest-message").textContent = "Adding…";
    let response;
    let answer = null;
    try {
      response = await fetch(config.apiRoot + "articles/", {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(built.data),
      });
      answer = await response.json().catch(() => null);
    } catch (error) {
      showError({ message: "The server cannot be reached: " + error.message });
      $("ingest-submit").disabled = false;
      return;
    }
    $("ingest-submit").disabled = false;
    if (response.status === 201) {
      window.location.assign(config.articleUrl.replace("{id}", String(answer.id)) + "?ingested=1");
    } else if (response.status === 200) {
      const message = $("ingest-message");
      message.className = "form-message ok";
      message.textContent = "This content was stored before: ";
      const link = document.createElement("a");
      link.href = config.articleUrl.replace("{id}", String(answer.id));
      link.textContent = `open “${answer.title || "(untitled)"}”`;
      message.appendChild(link);
      link.focus();
    } else if (answer && answer.error) {
      if (response.status === 401 || response.status === 403) {
        answer.error.message += " (log in again in another tab: what you typed stays here)";
      }
      showError(answer.error);
    } else {
      showError({ message: `The server answered ${response.status}.` });
    }
  });

  showSource();
})();
