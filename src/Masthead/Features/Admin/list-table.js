// Optional comfort on the admin's lists: select-all, and a question before deleting for good (Posts and Pages).
// Without it every checkbox and button still works.
for (const all of document.querySelectorAll('.check-all')) {
  all.hidden = false;
  all.addEventListener('change', () => { for (const box of all.closest('table').querySelectorAll('tbody input[type=checkbox]')) box.checked = all.checked; });
}
document.addEventListener('submit', e => {
  const top = document.getElementById('bulk-action-top'), bottom = document.getElementById('bulk-action-bottom');
  const chosen = e.target.id !== 'bulk' || !top ? '' : (e.submitter && e.submitter.value === 'bottom') || !top.value ? bottom.value : top.value;
  if ((e.target.matches('.confirm-delete') || chosen === 'delete') && !confirm('Delete permanently? This cannot be undone.')) e.preventDefault();
});
// The category picker belongs to "Add to category": with script it shows only while that action is chosen above.
const picker = document.getElementById('bulk-category');
const topAction = document.getElementById('bulk-action-top');
if (picker && topAction) {
  const follow = () => { picker.hidden = topAction.value !== 'category'; };
  topAction.addEventListener('change', follow);
  follow();
}
