// The REST API of the run that serves this page (same origin: the Content-Security-Policy allows
// no other). The run's token comes in the URL's fragment (`/dashboard/#token=...`, never sent to
// any server), is kept for this tab only, and goes with every request as a bearer token.

const kTokenKey = "chainlab-token";

function takeToken(): string {
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromUrl = hash.get("token");
  if (fromUrl) {
    sessionStorage.setItem(kTokenKey, fromUrl);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(kTokenKey) ?? "";
}

const token = takeToken();

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// The token as a request header (none when the page has no token: an open run, or root's
// browser on loopback).
export function authHeaders(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  const headers = authHeaders();
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const j = await res.json();
      message = j.error?.message ?? j.error ?? j.message ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, `${method} ${path}: ${message}`);
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request("GET", path)).json() as Promise<T>;
}

export async function getText(path: string): Promise<string> {
  return (await request("GET", path)).text();
}

export async function put(path: string, body?: unknown): Promise<unknown> {
  return (await request("PUT", path, body)).json();
}

export const hasToken = token !== "";
