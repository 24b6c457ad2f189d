import { z } from "zod";

/** `GET /v1/orders/{id}/invoice` once the PDF is generated: a presigned URL to it. */
export const OrderInvoice = z.object({ url: z.string() });
export type OrderInvoice = z.infer<typeof OrderInvoice>;
