// The dashboard's one script. The pages work without it; it keeps progress live, shows times in the reader's own
// time zone and copies the share link. Nothing here reaches anything but this server.
'use strict';
(() => {
  const body = document.body;
  const base = body.dataset.base;
  const labels = JSON.parse(body.dataset.labels || '{}');
  const final = new Set(['finished', 'failed', 'deleted']);

  const format = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  for (const time of document.querySelectorAll('time.ts')) {
    const at = new Date(time.dateTime);
    if (!Number.isNaN(at.getTime())) {
      time.title = time.textContent;
      time.textContent = format.format(at);
    }
  }

  // Shows a job's state on its card: badge, bar and percentage.
  function show(card, state) {
    card.dataset.status = state.status;
    const badge = card.querySelector('.badge');
    if (badge) {
      badge.dataset.s = state.status;
      badge.title = state.status;
      badge.textContent = labels[state.status] || state.status;
    }
    const bar = card.querySelector('progress');
    if (bar) {
      bar.max = state.maximumProgress;
      bar.value = state.progress;
      const percent = state.maximumProgress > 0 ? Math.round(state.progress * 100 / state.maximumProgress) : 0;
      bar.textContent = percent + '%';
      const label = card.querySelector('.pct');
      if (label) label.textContent = percent + '%';
    }
  }

  // A job's page follows its job through the live-progress stream; once it is over, the page is drawn again with
  // the video and the callback.
  const single = document.querySelector('[data-live-job]');
  if (single && 'EventSource' in window) {
    const events = new EventSource(`${base}/jobs/${encodeURIComponent(single.dataset.job)}/events`);
    events.addEventListener('progress', e => show(single, JSON.parse(e.data)));
    events.addEventListener('done', e => {
      events.close();
      show(single, JSON.parse(e.data));
      setTimeout(() => location.reload(), 400);
    });
  }

  // The job list asks once a second about the jobs on it still moving (one request for all, where a stream each
  // would use up the browser's connections); a job that ends redraws the list.
  const moving = [...document.querySelectorAll('.job[data-live]')];
  if (moving.length) {
    let timer = 0;
    const poll = async () => {
      try {
        const query = moving.map(card => 'id=' + encodeURIComponent(card.dataset.job)).join('&');
        const response = await fetch(`${base}/progress?${query}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (response.status === 401) { location.reload(); return; }
        if (response.ok) {
          let ended = false;
          for (const state of await response.json()) {
            const card = moving.find(c => c.dataset.job === state.id);
            if (!card) continue;
            show(card, state);
            if (final.has(state.status)) ended = true;
          }
          if (ended) { location.reload(); return; }
        }
      } catch {
        // The server restarting or the network dropping: try again at the next tick.
      }
      timer = setTimeout(poll, 1000);
    };
    timer = setTimeout(poll, 1000);
    addEventListener('pagehide', () => clearTimeout(timer));
  }

  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', async () => {
      const input = document.getElementById(button.dataset.copy);
      input.select();
      try {
        await navigator.clipboard.writeText(input.value);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Press Ctrl+C';
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 1500);
    });
  }
})();
