// The JSON API of the same server (no other origin is ever contacted).

export class ApiError extends Error {
  constructor(status, message, path) {
    super(message);
    this.status = status;
    this.path = path || '';
  }
}

async function call(method, url, { body, token, accept } = {}) {
  const headers = { Accept: accept || 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, 'We could not reach the service. Check your connection, then try again.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  if (!response.ok) {
    let message = `The service answered with an error (${response.status}).`;
    let path = '';
    let sameDay = null;
    try {
      const parsed = JSON.parse(text);
      const err = parsed.error;
      if (err && err.message) {
        message = err.path ? `${err.path}: ${err.message}` : err.message;
        path = err.path || '';
      }
      if (err && err.code === 'same_day' && parsed.checkin) sameDay = parsed.checkin;
    } catch (e) { /* not JSON */ }
    const error = new ApiError(response.status, message, path);
    error.sameDay = sameDay;
    throw error;
  }
  if (accept && accept !== 'application/json') return text;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(response.status, 'The service sent an answer this page cannot read.');
  }
}

// One stateless interview step: all answers so far (null = "I don't know").
export function interviewStep(findings) {
  return call('POST', '/v1/interview', { body: { findings } });
}

export function createEpisode(onsetDate, findings) {
  const body = { findings };
  if (onsetDate) body.onset_date = onsetDate;
  return call('POST', '/v1/episodes', { body });
}

// `sameDay`: what to do when the date has a check-in already ("amend",
// "replace"); without it the service asks: ApiError 409 with `sameDay` set to
// that day's check-in ({seq, date, day, disposition, answers: [{label, answer}]}).
export function checkin(episode, date, findings, sameDay) {
  const body = { findings };
  if (date) body.date = date;
  if (sameDay) body.same_day = sameDay;
  return call('POST', `/v1/episodes/${encodeURIComponent(episode.id)}/checkins`, { body, token: episode.token });
}

export function getEpisode(episode) {
  return call('GET', `/v1/episodes/${encodeURIComponent(episode.id)}`, { token: episode.token });
}

// `width`: the CSS pixels the chart has (300 to 1200), so it is laid out for
// them and its text stays at 12 px or more.
export function getChart(episode, width) {
  const w = Math.max(300, Math.min(1200, Math.floor(width || 800)));
  return call('GET', `/v1/episodes/${encodeURIComponent(episode.id)}/chart.svg?width=${w}`,
    { token: episode.token, accept: 'image/svg+xml' });
}

export function deleteEpisode(episode) {
  return call('DELETE', `/v1/episodes/${encodeURIComponent(episode.id)}`, { token: episode.token });
}
