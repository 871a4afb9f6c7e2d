"""Supervision: the audit trail of writes (`yrd.supervise.audit`); users and roles come later."""
