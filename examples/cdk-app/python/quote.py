from decimal import Decimal


def handler(event, context):
    """Quotes a price: set a breakpoint here (debugpy), then invoke the deployed PriceQuote function."""
    quantity = int(event.get("quantity", 1))
    return {"item": event.get("item", "tea"), "price": str(Decimal("4.50") * quantity)}
