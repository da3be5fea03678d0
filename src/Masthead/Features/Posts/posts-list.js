// Optional comfort on the Posts and Pages lists: select-all, and a question before deleting for good.
// Without it every checkbox and button still works.
for (const all of document.querySelectorAll('.check-all')) {
  all.hidden = false;
  all.addEventListener('change', () => { for (const box of document.querySelectorAll('input[name="post[]"]')) box.checked = all.checked; });
}
document.addEventListener('submit', e => {
  const top = document.getElementById('bulk-action-top'), bottom = document.getElementById('bulk-action-bottom');
  const chosen = e.target.id !== 'bulk' || !top ? '' : (e.submitter && e.submitter.value === 'bottom') || !top.value ? bottom.value : top.value;
  if ((e.target.matches('.confirm-delete') || chosen === 'delete') && !confirm('Delete permanently? This cannot be undone.')) e.preventDefault();
});
