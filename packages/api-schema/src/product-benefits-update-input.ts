import { z } from "zod";
import { uuid4 } from "./uuid4.js";

export interface ProductBenefitsUpdateInput {
  /** The product's benefits after the update, in display order; each must be of its organization. */
  benefits: string[];
}

/** `POST /v1/products/{id}/benefits`: replaces the product's benefit list. */
export const ProductBenefitsUpdateInput = z
  .object({ benefits: z.array(uuid4) })
  .transform((body): ProductBenefitsUpdateInput => ({ benefits: body.benefits }));
