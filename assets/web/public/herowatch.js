// herowatch dashboard: the little the pages do in the browser beyond htmx.
// Served from the app under a content security policy that allows scripts
// from 'self' only; no inline script, no eval.
(() => {
  // Live progress of a sync: server-sent events into the element that asks for them.
  for (const box of document.querySelectorAll('[data-events]')) {
    const source = new EventSource(box.dataset.events);
    const log = box.querySelector('[data-log]');
    const bar = box.querySelector('progress');
    const state = box.querySelector('[data-state]');
    const add = (text) => {
      const line = document.createElement('li');
      line.textContent = text;
      log.append(line);
      while (log.children.length > 200) log.firstElementChild.remove();
    };
    source.addEventListener('progress', (event) => {
      const data = JSON.parse(event.data);
      if (bar && data.total > 0) { bar.max = data.total; bar.value = data.done; }
      if (state) state.textContent = `${data.phase}: ${data.done} of ${data.total}`;
    });
    source.addEventListener('note', (event) => add(JSON.parse(event.data).text));
    source.addEventListener('done', (event) => {
      const data = JSON.parse(event.data);
      if (state) state.textContent = data.text;
      if (bar) { bar.max = 1; bar.value = 1; }
      source.close();
      const link = box.querySelector('[data-after]');
      if (link) link.hidden = false;
    });
    source.onerror = () => { if (source.readyState === EventSource.CLOSED && state) state.textContent = 'The connection to the server was lost; reload to follow the run.'; };
  }
  // A form whose button asks before it acts (disconnect, remove): the question is in data-confirm.
  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
})();
