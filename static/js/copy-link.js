// The link icon beside each team's heading copies that section's address. Without JavaScript, or
// without a clipboard, it stays what it is: a link to the section.
document.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-copy-link]");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  const url = new URL(link.getAttribute("href"), window.location.href).href;
  history.replaceState(null, "", link.getAttribute("href"));
  const status = document.getElementById("copy-link-status");
  try {
    await navigator.clipboard.writeText(url);
    link.classList.add("copied");
    if (status) status.textContent = "Link copied: " + url;
    setTimeout(() => link.classList.remove("copied"), 2000);
  } catch (error) {
    window.location.hash = link.hash;
  }
});
