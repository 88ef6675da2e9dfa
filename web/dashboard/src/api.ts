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

// One request to the run (this server, or the gatekeeper's URL) with the token (none when the page
// has none: an open run, or root's browser on loopback). A JSON `body` is sent as JSON; FormData
// (an upload) as it is. A failure throws ApiError with the API's own message.
export async function request(method: string, url: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const form = body instanceof FormData;
  if (body !== undefined && !form) {
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
  });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const j = await res.json();
      message = j.error?.message ?? j.error ?? j.message ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(res.status, `${method} ${new URL(url, location.href).pathname}: ${message}`);
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
