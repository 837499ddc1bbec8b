"""Pictures the bot makes: certificates."""
