/**
 * The desk's only script, served as is (no build step). Pages work without it; with it, the
 * conversation on a ticket or live-chat page grows as messages arrive (Server-Sent Events), and
 * the list of live chats refreshes itself. Text is inserted with textContent, never as HTML.
 */
export const DESK_JS = `(function () {
  'use strict';
  var list = document.getElementById('transcript');
  if (list && window.EventSource) {
    var last = Number(list.getAttribute('data-last-id') || '0');
    var status = list.getAttribute('data-status');
    var lang = list.getAttribute('data-lang') === 'hi' ? 'hi-IN' : 'en-IN';
    // As the server writes them (src/i18n/i18n.ts formatDateTime): Hindi names the part of the day.
    var fmt = lang === 'hi-IN'
      ? (function () {
        var day = new Intl.DateTimeFormat('hi-IN', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Asia/Kolkata' });
        var time = new Intl.DateTimeFormat('hi-IN', { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', dayPeriod: 'long', timeZone: 'Asia/Kolkata' });
        return { format: function (d) { return day.format(d) + ' को ' + time.format(d) + ' बजे'; } };
      })()
      : new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZone: 'Asia/Kolkata' });
    var scroll = function () { list.scrollTop = list.scrollHeight; };
    scroll();
    var append = function (r) {
      var li = document.createElement('li');
      li.className = r.direction;
      li.setAttribute('data-id', String(r.id));
      var who = document.createElement('span');
      who.className = 'who';
      who.textContent = list.getAttribute(r.direction === 'in' ? 'data-label-in' : 'data-label-out') + ' · ' + fmt.format(new Date(r.at));
      var text = document.createElement('span');
      text.className = 'text';
      text.textContent = r.text;
      li.appendChild(who);
      li.appendChild(text);
      list.appendChild(li);
    };
    var source = new EventSource(list.getAttribute('data-stream') + '?after=' + last);
    source.addEventListener('rows', function (e) {
      var d = JSON.parse(e.data);
      var added = false;
      d.rows.forEach(function (r) { if (r.id > last) { last = r.id; append(r); added = true; } });
      if (added) scroll();
      if (d.status && d.status !== status) {
        var changed = document.getElementById('changed');
        if (changed) changed.hidden = false;
        status = d.status;
      }
    });
  }
  var chats = document.getElementById('chat-list');
  if (chats && window.EventSource) {
    var feed = new EventSource(chats.getAttribute('data-stream'));
    feed.addEventListener('changed', function () {
      var a = document.activeElement;
      if (!a || a === document.body || a.tagName === 'A') location.reload();
    });
  }
  var say = document.getElementById('say');
  if (say) say.focus();
})();
`;
