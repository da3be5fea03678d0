// Optional comfort on the Comments list: select-all, Reply and Quick Edit as small forms under the row, and a
// question before deleting for good. Without it every link and button still works (Reply and Quick Edit open
// their own screens).
for (const all of document.querySelectorAll('.check-all')) {
  all.hidden = false;
  all.addEventListener('change', () => { for (const box of document.querySelectorAll('input[name="delete_comments[]"]')) box.checked = all.checked; });
}
const close = panel => {
  panel.hidden = true;
  const opener = document.querySelector(`[data-inline="${panel.id}"]`);
  if (opener) { opener.setAttribute('aria-expanded', 'false'); opener.focus(); }
};
for (const link of document.querySelectorAll('[data-inline]')) {
  const panel = document.getElementById(link.dataset.inline);
  if (!panel) continue;
  link.setAttribute('aria-controls', panel.id);
  link.setAttribute('aria-expanded', 'false');
  link.addEventListener('click', e => {
    e.preventDefault();
    for (const open of document.querySelectorAll('.inline-panel:not([hidden])')) if (open !== panel) close(open);
    panel.hidden = !panel.hidden;
    link.setAttribute('aria-expanded', String(!panel.hidden));
    if (!panel.hidden) panel.querySelector('textarea, input:not([type=hidden])').focus();
  });
  for (const cancel of panel.querySelectorAll('[data-cancel]')) cancel.addEventListener('click', () => close(panel));
  panel.addEventListener('keydown', e => { if (e.key === 'Escape') close(panel); });
}
document.addEventListener('submit', e => {
  const top = document.getElementById('bulk-action-top'), bottom = document.getElementById('bulk-action-bottom');
  const chosen = e.target.id !== 'bulk' || !top ? '' : (e.submitter && e.submitter.value === 'bottom') || !top.value ? bottom.value : top.value;
  if ((e.target.matches('.confirm-delete') || chosen === 'delete') && !confirm('Delete permanently? This cannot be undone.')) e.preventDefault();
});
