"""The browser tests' ASGI server: pages and the live room's sockets on one port, the same after a restart."""

from playwright.sync_api import expect

from .browsing import sign_in

# Opens the section's socket from the page (with its session cookie) and resolves with the first frame's type.
FIRST_FRAME = """async (path) => await new Promise((resolve, reject) => {
  const socket = new WebSocket(new URL(path, location.href).href.replace(/^http/, "ws"));
  socket.binaryType = "arraybuffer";
  socket.onmessage = (event) => { resolve(new Uint8Array(event.data)[0]); socket.close(); };
  socket.onclose = (event) => reject(new Error("closed " + event.code));
})"""


def test_the_server_serves_pages_and_sockets_and_serves_them_again_after_a_restart(live_context, asgi_demo):
    page = live_context().new_page()
    sign_in(page, "chair")
    page.goto("/runtime/2018-06-26/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate(FIRST_FRAME, "/ws/live/runtime/2018-06-26/diego/") == 0  # a sync message
    asgi_demo.restart()
    page.reload()
    assert page.evaluate(FIRST_FRAME, "/ws/live/runtime/2018-06-26/diego/") == 0
