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
    try {
      const err = JSON.parse(text).error;
      if (err && err.message) {
        message = err.path ? `${err.path}: ${err.message}` : err.message;
        path = err.path || '';
      }
    } catch (e) { /* not JSON */ }
    throw new ApiError(response.status, message, path);
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

export function checkin(episode, date, findings) {
  const body = { findings };
  if (date) body.date = date;
  return call('POST', `/v1/episodes/${encodeURIComponent(episode.id)}/checkins`, { body, token: episode.token });
}

export function getEpisode(episode) {
  return call('GET', `/v1/episodes/${encodeURIComponent(episode.id)}`, { token: episode.token });
}

export function getChart(episode) {
  return call('GET', `/v1/episodes/${encodeURIComponent(episode.id)}/chart.svg`,
    { token: episode.token, accept: 'image/svg+xml' });
}

export function deleteEpisode(episode) {
  return call('DELETE', `/v1/episodes/${encodeURIComponent(episode.id)}`, { token: episode.token });
}
