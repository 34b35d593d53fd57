"""The contract's measure of service: target checks, SL-aware staffing and its rostered realisation."""
