// Optional comfort on Settings: a custom date or time format shows what it gives as it is typed, and choosing a time
// zone shows its local time and what each format gives there. The server formats (GET /admin/settings/preview), so
// the previews match what the site will print. Without script they show what the saved settings give.
const zone = document.getElementById('timezone_string');
const localTime = document.getElementById('local-time');

async function preview(format) {
  const query = new URLSearchParams({ timezone: zone ? zone.value : 'UTC' });
  if (format) query.set('format', format);
  const answer = await fetch('/admin/settings/preview?' + query, { credentials: 'same-origin', headers: { Accept: 'text/plain' } });
  return answer.ok ? answer.text() : null;
}

async function show(target, format) {
  const text = await preview(format);
  if (text !== null && target) target.textContent = text;
}

for (const input of document.querySelectorAll('.format-custom')) {
  const target = document.querySelector('#' + input.id + '-preview .format-preview');
  let timer;
  input.addEventListener('input', () => {
    // Typing a format means choosing Custom, as in WordPress.
    const custom = input.closest('.form-row')?.querySelector('.format-custom-choice');
    if (custom) custom.checked = true;
    clearTimeout(timer);
    timer = setTimeout(() => show(target, input.value), 250);
  });
}

zone?.addEventListener('change', () => {
  show(localTime, '');
  for (const span of document.querySelectorAll('.format-preview[data-format]')) show(span, span.dataset.format);
  for (const input of document.querySelectorAll('.format-custom')) show(document.querySelector('#' + input.id + '-preview .format-preview'), input.value);
});
