import { formatDateTime } from "@meterline/api-schema";
import type { Address, Order, Organization } from "@meterline/core";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

/** Cents as `$1,234.56` (`-$10.00` for a credit). */
function money(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  const dollars = Math.trunc(absolute / 100).toLocaleString("en-US");
  return `${sign}$${dollars}.${String(absolute % 100).padStart(2, "0")}`;
}

function addressLines(address: Address | null): string[] {
  if (address === null) return [];
  const cityLine = [address.postalCode, address.city, address.state].filter((part) => part !== null).join(" ");
  return [address.line1, address.line2, cityLine, address.country].filter(
    (line): line is string => line !== null && line !== "",
  );
}

/**
 * The invoice of a paid order as a self-contained HTML page (Meterline renders no PDF): number,
 * dates, billing details, lines and totals. Every value is escaped.
 */
export function renderInvoiceHtml(order: Order & { invoiceNumber: string | null }, organization: Organization): string {
  const rows = order.items
    .map((item) => `<tr><td>${escapeHtml(item.label)}</td><td class="amount">${money(item.amount)}</td></tr>`)
    .join("\n");
  const billedTo = [order.billingName ?? "", ...addressLines(order.billingAddress)]
    .filter((line) => line !== "")
    .map(escapeHtml)
    .join("<br>");
  const totals: Array<[string, number]> = [
    ["Subtotal", order.subtotalAmount],
    ["Discount", -order.discountAmount],
    ["Tax", order.taxAmount],
    ["Total", order.totalAmount],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Invoice ${escapeHtml(order.invoiceNumber ?? order.id)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; color: #222; }
table { width: 100%; border-collapse: collapse; margin-top: 1.5rem; }
td, th { padding: 0.4rem 0; border-bottom: 1px solid #ddd; text-align: left; }
.amount { text-align: right; white-space: nowrap; }
</style>
</head>
<body>
<h1>Invoice ${escapeHtml(order.invoiceNumber ?? order.id)}</h1>
<p>${escapeHtml(organization.name)}</p>
<p>Date: ${escapeHtml(formatDateTime(order.createdAt).slice(0, 10))}<br>Order: ${escapeHtml(order.id)}<br>Status: ${escapeHtml(order.status)}</p>
<h2>Billed to</h2>
<p>${billedTo}</p>
<table>
<thead><tr><th>Description</th><th class="amount">Amount</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot>
${totals.map(([label, cents]) => `<tr><th>${label}</th><td class="amount">${money(cents)}</td></tr>`).join("\n")}
</tfoot>
</table>
</body>
</html>
`;
}
