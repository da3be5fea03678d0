// The comment form's small enhancements. The page is the same for every visitor (so it can be cached); what is
// personal comes from here: remembered details from this browser's cookies, "Logged in as …" with the token a
// signed-in user's comment needs, the timing token once the reader starts writing, and Reply links that move the
// form under the comment being answered. Without script the form still works: its comments are held for a moderator.
(function () {
  'use strict';
  var respond = document.getElementById('respond');
  var form = document.getElementById('commentform');
  if (!respond || !form) {
    return;
  }
  var postId = respond.getAttribute('data-post-id');
  var hash = respond.getAttribute('data-cookie-hash');

  function cookie(name) {
    var parts = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      var at = parts[i].indexOf('=');
      if (parts[i].slice(0, at) === name) {
        try { return decodeURIComponent(parts[i].slice(at + 1).replace(/\+/g, ' ')); } catch (e) { return ''; }
      }
    }
    return '';
  }

  function hidden(name, value) {
    var input = form.querySelector('input[type=hidden][name="' + name + '"]');
    if (!input) {
      input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      form.appendChild(input);
    }
    input.value = value;
  }

  // Remembered details, only where the commenter agreed to them and has not typed anything yet.
  var remembered = false;
  [['author', 'comment_author_'], ['email', 'comment_author_email_'], ['url', 'comment_author_url_']].forEach(function (pair) {
    var field = form.elements[pair[0]];
    var value = cookie(pair[1] + hash);
    if (field && value && !field.value) {
      field.value = value;
      remembered = true;
    }
  });
  if (remembered && form.elements['wp-comment-cookies-consent']) {
    form.elements['wp-comment-cookies-consent'].checked = true;
  }

  // The timing token, once: asked for when the reader starts writing, so it says how long they took.
  var asked = !!form.querySelector('input[name=comment_token]');
  function askForToken() {
    if (asked) {
      return;
    }
    asked = true;
    fetch('/comments/token?post=' + encodeURIComponent(postId), { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) { if (t) { hidden(t.field, t.value); } })
      .catch(function () { asked = false; });
  }
  form.addEventListener('focusin', askForToken);
  form.addEventListener('input', askForToken);

  // Who is signed in: they comment as themselves, with the antiforgery token that proves it is them.
  fetch('/comments/session', { credentials: 'same-origin', cache: 'no-store' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (s) {
      if (!s || !s.user) {
        return;
      }
      hidden(s.antiforgery.field, s.antiforgery.value);
      var guest = form.querySelector('.comment-form-guest');
      if (guest) {
        guest.hidden = true;
        Array.prototype.forEach.call(guest.querySelectorAll('input'), function (i) { i.required = false; i.disabled = true; });
      }
      var notes = form.querySelector('.comment-notes');
      if (notes) {
        notes.hidden = true;
      }
      var who = form.querySelector('.logged-in-as');
      if (who) {
        who.textContent = 'Logged in as ' + s.user.name + '. ';
        var profile = document.createElement('a');
        profile.href = s.user.profile;
        profile.textContent = 'Edit your profile';
        who.appendChild(profile);
        who.appendChild(document.createTextNode('.'));
        who.hidden = false;
      }
      var mustLogIn = respond.querySelector('.must-log-in');
      if (mustLogIn) {
        mustLogIn.hidden = true;
        form.hidden = false;
      }
    })
    .catch(function () { /* a guest form still works */ });

  // Reply links move the form under the comment instead of loading the page again.
  var home = document.createElement('div');
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);
  // Where the page put the form: under a comment when it was loaded from a Reply link (then "Cancel reply" loads
  // the page without it), otherwise below the comments, where "Cancel reply" brings it back.
  var homeIsInThread = !!home.closest('.comment-list');
  var titleText = respond.querySelector('.reply-title-text');
  var cancel = document.getElementById('cancel-comment-reply-link');

  function replyTo(id, author) {
    form.elements.comment_parent.value = id || '0';
    if (titleText) {
      titleText.textContent = id ? 'Leave a Reply to ' + author : 'Leave a Reply';
    }
    if (cancel) {
      cancel.parentNode.hidden = !id;
    }
  }

  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('.comment-reply-link') : null;
    if (link) {
      var item = document.getElementById('comment-' + link.getAttribute('data-commentid'));
      var article = item && item.querySelector('article');
      if (!article) {
        return;
      }
      event.preventDefault();
      article.parentNode.insertBefore(respond, article.nextSibling);
      replyTo(link.getAttribute('data-commentid'), link.getAttribute('data-author'));
      form.elements.comment.focus();
      return;
    }
    if (event.target === cancel && !homeIsInThread) {
      event.preventDefault();
      home.parentNode.insertBefore(respond, home.nextSibling);
      replyTo('', '');
    }
  });
})();
