interface OrderEvent {
  item?: string;
  quantity?: number;
}

/** Places an order: set a breakpoint here, then invoke the deployed PlaceOrder function. */
export async function placeOrder(event: OrderEvent) {
  const quantity = event.quantity ?? 1;
  const total = quantity * 4.5;
  return { item: event.item ?? 'tea', quantity, total };
}
