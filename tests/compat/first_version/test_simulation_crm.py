# mypy: ignore-errors
# tests/test_simulation_crm.py
"""
CRM simulation tests using mock versions of real backend tools.

Registers 23 tools across 6 categories (crm, sales, tasks, calendar,
communication, session) and runs multi-scenario conversations to verify
dynamic tool loading works end-to-end with a realistic tool set.

These are integration tests and require OPENAI_API_KEY.
"""

import os
import uuid

import pytest

from llm_factory_toolkit import LLMClient
from llm_factory_toolkit.exceptions import (
    ConfigurationError,
    LLMToolkitError,
    ProviderError,
    ToolError,
    UnsupportedFeatureError,
)
from llm_factory_toolkit.tools import (
    InMemoryToolCatalog,
    ToolFactory,
    ToolSession,
)
from llm_factory_toolkit.tools.models import ToolExecutionResult

pytestmark = [pytest.mark.asyncio, pytest.mark.integration]

# --- Skip Conditions ---
OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY")
skip_openai = not OPENAI_API_KEY
skip_reason_openai = "OPENAI_API_KEY environment variable not set"


def _safe_print(text: str) -> None:
    """Print text safely on Windows (cp1252 encoding)."""
    try:
        print(text)
    except UnicodeEncodeError:
        print(text.encode("ascii", errors="replace").decode())


# =====================================================================
# Mock tool functions (23 tools)
# =====================================================================


# --- CRM category ---


def query_customers(
    search: str | None = None,
    status: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=(
            "Found 3 customer(s) (showing page 1):\n\n"
            "1. Maria Silva | +5511999998888 | maria@example.com | Status: Active\n"
            "2. Joao Santos | +5511999997777 | joao@example.com | Status: Prospect\n"
            "3. Ana Oliveira | +5511999996666 | ana@example.com | Status: Lead"
        ),
        metadata={"total": 3, "page": 1, "per_page": 10},
    )


def get_customer_context(
    customer_id: str | None = None,
    phone_number: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=(
            "Customer: Maria Silva\n"
            "Phone: +5511999998888 | Email: maria@example.com | Status: Active\n\n"
            "Open Tasks (2):\n"
            "- Follow up on proposal (Due: 2026-02-10, Priority: High)\n"
            "- Send welcome kit (Due: 2026-02-15, Priority: Medium)\n\n"
            "Active Deals (1):\n"
            "- Premium Package - $5,000 (Stage: Proposal)\n\n"
            "Upcoming Events (1):\n"
            "- Haircut appointment - 2026-02-07 09:00"
        ),
        metadata={
            "customer_id": customer_id or "c1-mock-uuid",
            "name": "Maria Silva",
            "open_tasks": 2,
            "active_deals": 1,
            "upcoming_events": 1,
        },
    )


def get_crm_summary(**_) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=(
            "CRM Summary\n\n"
            "Customers: 156 total\n"
            "  Active: 142 | Lead: 8 | Prospect: 4 | Inactive: 2\n\n"
            "Deals: $127,500.00 open pipeline\n"
            "  12 open deals\n"
            "  Prospecting: 3 | Qualification: 4 | Proposal: 3 | Negotiation: 2\n"
            "  Won this month: 5 deals ($45,000.00)\n\n"
            "Tasks: 45 open\n"
            "  12 overdue | 8 due today\n"
            "  To Do: 20 | In Progress: 15 | Blocked: 10"
        ),
        metadata={
            "customers": {"total": 156, "active": 142, "lead": 8},
            "deals": {"open_count": 12, "open_pipeline_value": 127500.0},
            "tasks": {"open": 45, "overdue": 12, "due_today": 8},
        },
    )


def create_customer(
    full_name: str,
    email: str | None = None,
    phone_number: str | None = None,
    organization: str | None = None,
    notes: str | None = None,
    **_,
) -> ToolExecutionResult:
    mock_id = str(uuid.uuid4())
    return ToolExecutionResult(
        content=f"Customer created: {full_name} (ID: {mock_id})",
        metadata={"customer_id": mock_id, "full_name": full_name},
    )


def update_customer(
    customer_id: str,
    full_name: str | None = None,
    email: str | None = None,
    phone_number: str | None = None,
    organization: str | None = None,
    status: str | None = None,
    notes: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Customer {customer_id} updated successfully.",
        metadata={"customer_id": customer_id, "updated_fields": []},
    )


def delete_customer(
    customer_id: str,
    reason: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Customer {customer_id} deleted.",
        metadata={"customer_id": customer_id, "reason": reason},
    )


# --- Sales category ---


def query_deals(
    customer_id: str | None = None,
    status: str | None = None,
    stage: str | None = None,
    search: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
    **_,
) -> ToolExecutionResult:
    deals = [
        {
            "id": "d1-mock",
            "name": "Premium Package",
            "customer": "Maria Silva",
            "amount": 5000,
            "stage": "Proposal",
        },
        {
            "id": "d2-mock",
            "name": "Enterprise Plan",
            "customer": "Joao Santos",
            "amount": 12500,
            "stage": "Negotiation",
        },
        {
            "id": "d3-mock",
            "name": "Starter Kit",
            "customer": "Ana Oliveira",
            "amount": 1500,
            "stage": "Prospecting",
        },
    ]
    # Filter by search term, stage, or customer_id when provided
    filtered = deals
    if search:
        term = search.lower()
        filtered = [
            d
            for d in filtered
            if term in d["name"].lower() or term in d["customer"].lower()
        ]
    if stage:
        filtered = [d for d in filtered if d["stage"].lower() == stage.lower()]
    if customer_id:
        filtered = [d for d in filtered if customer_id.lower() in d["customer"].lower()]

    if not filtered:
        return ToolExecutionResult(
            content="No deals found matching the criteria.",
            metadata={"total": 0, "pipeline_value": 0},
        )
    total_value = sum(d["amount"] for d in filtered)
    lines = [f"Pipeline: ${total_value:,.2f} ({len(filtered)} deals)\n"]
    for i, d in enumerate(filtered, 1):
        lines.append(
            f"{i}. [{d['id']}] {d['name']} - {d['customer']} | ${d['amount']:,} | Stage: {d['stage']}"
        )
    return ToolExecutionResult(
        content="\n".join(lines),
        metadata={"total": len(filtered), "pipeline_value": total_value},
    )


def create_deal(
    name: str,
    amount: float | None = None,
    customer_id: str | None = None,
    stage: str | None = None,
    **_,
) -> ToolExecutionResult:
    mock_id = str(uuid.uuid4())
    return ToolExecutionResult(
        content=f"Deal created: {name} (ID: {mock_id}) - ${amount or 0:.2f}",
        metadata={"deal_id": mock_id, "name": name, "amount": amount},
    )


def update_deal(
    deal_id: str,
    name: str | None = None,
    amount: float | None = None,
    stage: str | None = None,
    status: str | None = None,
    customer_id: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Deal {deal_id} updated successfully.",
        metadata={"deal_id": deal_id, "updated_fields": []},
    )


def delete_deal(
    deal_id: str,
    reason: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Deal {deal_id} deleted.",
        metadata={"deal_id": deal_id, "reason": reason},
    )


# --- Tasks category ---


def query_tasks(
    customer_id: str | None = None,
    status: str | None = None,
    priority: str | None = None,
    overdue_only: bool | None = None,
    search: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=(
            "Open tasks: 45 (12 overdue)\n\n"
            "OVERDUE:\n"
            "1. Call back client re: invoice - Due: 2026-01-28 [HIGH]\n"
            "2. Send contract revision - Due: 2026-01-30 [URGENT]\n\n"
            "UPCOMING:\n"
            "3. Follow up on proposal - Due: 2026-02-10 [HIGH]\n"
            "4. Send welcome kit - Due: 2026-02-15 [MEDIUM]"
        ),
        metadata={"total": 45, "overdue": 12, "page": 1},
    )


def create_task(
    title: str,
    due_date: str,
    assignee_id: str | None = None,
    description: str | None = None,
    customer_id: str | None = None,
    deal_id: str | None = None,
    priority: str | None = None,
    context_summary: str | None = None,
    **_,
) -> ToolExecutionResult:
    mock_id = str(uuid.uuid4())
    return ToolExecutionResult(
        content=(
            f"Task created successfully:\n"
            f"- ID: {mock_id}\n"
            f"- Title: {title}\n"
            f"- Due: {due_date}\n"
            f"- Priority: {priority or 'Medium'}"
        ),
        metadata={"task_id": mock_id, "title": title, "due_date": due_date},
    )


def update_task(
    task_id: str,
    title: str | None = None,
    due_date: str | None = None,
    priority: str | None = None,
    status: str | None = None,
    description: str | None = None,
    assignee_id: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Task {task_id} updated successfully.",
        metadata={"task_id": task_id, "updated_fields": []},
    )


def delete_task(
    task_id: str,
    reason: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Task {task_id} deleted.",
        metadata={"task_id": task_id, "reason": reason},
    )


# --- Calendar category ---


def query_calendar(
    start_date: str,
    end_date: str,
    customer_id: str | None = None,
    max_results: int | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=(
            f"Found 3 event(s) between {start_date} and {end_date}:\n\n"
            f"1. Haircut - Maria Silva | {start_date} 09:00 - 10:00\n"
            f"2. Beard Trim - Joao Santos | {start_date} 10:30 - 11:00\n"
            f"3. Hair Color - Ana Oliveira | {start_date} 14:00 - 15:30"
        ),
        metadata={"event_count": 3, "start_date": start_date, "end_date": end_date},
    )


def create_calendar_event(
    title: str,
    start_time: str,
    end_time: str | None = None,
    duration_minutes: int | None = None,
    description: str | None = None,
    location: str | None = None,
    customer_id: str | None = None,
    all_day: bool = False,
    **_,
) -> ToolExecutionResult:
    mock_id = str(uuid.uuid4())
    return ToolExecutionResult(
        content=(
            f"Event created:\n"
            f"- ID: {mock_id}\n"
            f"- Title: {title}\n"
            f"- Start: {start_time}\n"
            f"- Duration: {duration_minutes or 60} minutes"
        ),
        metadata={"event_id": mock_id, "title": title, "start_time": start_time},
    )


def update_calendar_event(
    event_id: str,
    title: str | None = None,
    start_time: str | None = None,
    end_time: str | None = None,
    duration_minutes: int | None = None,
    description: str | None = None,
    location: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Event {event_id} updated successfully.",
        metadata={"event_id": event_id, "updated_fields": []},
    )


def delete_calendar_event(
    event_id: str,
    reason: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Event {event_id} deleted.",
        metadata={"event_id": event_id, "reason": reason},
    )


# --- Communication category ---


def send_media(
    document_id: str,
    filename: str,
    caption: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Media sent: {filename}",
        metadata={"document_id": document_id, "filename": filename},
    )


def call_human(
    summary: str,
    mood: str,
    attention_reason: str,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content="Human reviewer has been notified.",
        metadata={
            "summary": summary,
            "mood": mood,
            "attention_reason": attention_reason,
        },
    )


def transfer_to_agent(
    target_agent_name: str,
    conversation_summary: str,
    transfer_reason: str,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Transferred to {target_agent_name}.",
        metadata={
            "target_agent_name": target_agent_name,
            "transfer_reason": transfer_reason,
        },
    )


# --- Session category ---


def close_session(
    reason: str,
    summary: str | None = None,
    notes: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content="Session closure requested.",
        metadata={"reason": reason, "summary": summary},
    )


def generate_report(
    report_type: str,
    time_period: str | None = None,
    **_,
) -> ToolExecutionResult:
    return ToolExecutionResult(
        content=f"Report '{report_type}' queued for generation.",
        metadata={
            "report_type": report_type,
            "time_period": time_period or "last_30_days",
        },
    )


# =====================================================================
# Parameter schemas (23 tools)
# =====================================================================

QUERY_CUSTOMERS_PARAMS = {
    "type": "object",
    "properties": {
        "search": {
            "type": ["string", "null"],
            "description": "Search by name, phone, or email.",
        },
        "status": {
            "type": ["string", "null"],
            "enum": ["Lead", "Prospect", "Active", "Inactive", "Archived", None],
            "description": "Filter by customer status.",
        },
        "page": {"type": "integer", "description": "Page number (default 1)."},
        "per_page": {
            "type": "integer",
            "description": "Results per page (default 10, max 20).",
        },
    },
    "required": [],
}

GET_CUSTOMER_CONTEXT_PARAMS = {
    "type": "object",
    "properties": {
        "customer_id": {
            "type": ["string", "null"],
            "description": "UUID of the customer.",
        },
        "phone_number": {
            "type": ["string", "null"],
            "description": "Phone number to look up.",
        },
    },
    "required": [],
}

GET_CRM_SUMMARY_PARAMS = {
    "type": "object",
    "properties": {},
    "required": [],
}

CREATE_CUSTOMER_PARAMS = {
    "type": "object",
    "properties": {
        "full_name": {"type": "string", "description": "Customer full name."},
        "email": {"type": ["string", "null"], "description": "Email address."},
        "phone_number": {"type": ["string", "null"], "description": "Phone number."},
        "organization": {
            "type": ["string", "null"],
            "description": "Company or organization.",
        },
        "notes": {"type": ["string", "null"], "description": "Additional notes."},
    },
    "required": ["full_name"],
}

UPDATE_CUSTOMER_PARAMS = {
    "type": "object",
    "properties": {
        "customer_id": {
            "type": "string",
            "description": "UUID of the customer to update.",
        },
        "full_name": {"type": ["string", "null"], "description": "New full name."},
        "email": {"type": ["string", "null"], "description": "New email address."},
        "phone_number": {
            "type": ["string", "null"],
            "description": "New phone number.",
        },
        "organization": {
            "type": ["string", "null"],
            "description": "New organization.",
        },
        "status": {
            "type": ["string", "null"],
            "enum": ["Lead", "Prospect", "Active", "Inactive", "Archived", None],
            "description": "New customer status.",
        },
        "notes": {"type": ["string", "null"], "description": "New notes."},
    },
    "required": ["customer_id"],
}

DELETE_CUSTOMER_PARAMS = {
    "type": "object",
    "properties": {
        "customer_id": {
            "type": "string",
            "description": "UUID of the customer to delete.",
        },
        "reason": {"type": ["string", "null"], "description": "Reason for deletion."},
    },
    "required": ["customer_id"],
}

QUERY_DEALS_PARAMS = {
    "type": "object",
    "properties": {
        "customer_id": {
            "type": ["string", "null"],
            "description": "Filter by customer UUID.",
        },
        "status": {
            "type": ["string", "null"],
            "enum": ["Open", "Won", "Lost", "On Hold", None],
            "description": "Filter by deal status.",
        },
        "stage": {
            "type": ["string", "null"],
            "enum": [
                "Prospecting",
                "Qualification",
                "Proposal",
                "Negotiation",
                "Closed",
                None,
            ],
            "description": "Filter by pipeline stage.",
        },
        "search": {"type": ["string", "null"], "description": "Search by deal name."},
        "page": {"type": "integer", "description": "Page number."},
        "per_page": {"type": "integer", "description": "Results per page."},
    },
    "required": [],
}

CREATE_DEAL_PARAMS = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "Deal name."},
        "amount": {"type": ["number", "null"], "description": "Deal value."},
        "customer_id": {"type": ["string", "null"], "description": "Customer UUID."},
        "stage": {
            "type": ["string", "null"],
            "enum": ["Prospecting", "Qualification", "Proposal", "Negotiation", None],
            "description": "Pipeline stage.",
        },
    },
    "required": ["name"],
}

UPDATE_DEAL_PARAMS = {
    "type": "object",
    "properties": {
        "deal_id": {"type": "string", "description": "UUID of the deal to update."},
        "name": {"type": ["string", "null"], "description": "New deal name."},
        "amount": {"type": ["number", "null"], "description": "New deal value."},
        "stage": {
            "type": ["string", "null"],
            "enum": [
                "Prospecting",
                "Qualification",
                "Proposal",
                "Negotiation",
                "Closed",
                None,
            ],
            "description": "New pipeline stage.",
        },
        "status": {
            "type": ["string", "null"],
            "enum": ["Open", "Won", "Lost", "On Hold", None],
            "description": "New deal status.",
        },
        "customer_id": {
            "type": ["string", "null"],
            "description": "New customer UUID.",
        },
    },
    "required": ["deal_id"],
}

DELETE_DEAL_PARAMS = {
    "type": "object",
    "properties": {
        "deal_id": {"type": "string", "description": "UUID of the deal to delete."},
        "reason": {"type": ["string", "null"], "description": "Reason for deletion."},
    },
    "required": ["deal_id"],
}

QUERY_TASKS_PARAMS = {
    "type": "object",
    "properties": {
        "customer_id": {
            "type": ["string", "null"],
            "description": "Filter by customer.",
        },
        "status": {
            "type": ["string", "null"],
            "enum": ["To Do", "In Progress", "Completed", "Blocked", None],
            "description": "Filter by task status.",
        },
        "priority": {
            "type": ["string", "null"],
            "enum": ["Low", "Medium", "High", "Urgent", None],
            "description": "Filter by priority.",
        },
        "overdue_only": {
            "type": ["boolean", "null"],
            "description": "Show only overdue tasks.",
        },
        "search": {"type": ["string", "null"], "description": "Search task titles."},
        "page": {"type": "integer", "description": "Page number."},
        "per_page": {"type": "integer", "description": "Results per page."},
    },
    "required": [],
}

CREATE_TASK_PARAMS = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "Task title."},
        "due_date": {"type": "string", "description": "Due date (YYYY-MM-DD)."},
        "assignee_id": {"type": ["string", "null"], "description": "UUID of assignee."},
        "description": {"type": ["string", "null"], "description": "Task description."},
        "customer_id": {"type": ["string", "null"], "description": "Customer UUID."},
        "deal_id": {"type": ["string", "null"], "description": "Deal UUID."},
        "priority": {
            "type": ["string", "null"],
            "enum": ["Low", "Medium", "High", "Urgent", None],
            "description": "Task priority.",
        },
        "context_summary": {
            "type": ["string", "null"],
            "description": "AI summary of why task was created.",
        },
    },
    "required": ["title", "due_date"],
}

UPDATE_TASK_PARAMS = {
    "type": "object",
    "properties": {
        "task_id": {"type": "string", "description": "UUID of the task to update."},
        "title": {"type": ["string", "null"], "description": "New task title."},
        "due_date": {
            "type": ["string", "null"],
            "description": "New due date (YYYY-MM-DD).",
        },
        "priority": {
            "type": ["string", "null"],
            "enum": ["Low", "Medium", "High", "Urgent", None],
            "description": "New task priority.",
        },
        "status": {
            "type": ["string", "null"],
            "enum": ["To Do", "In Progress", "Completed", "Blocked", None],
            "description": "New task status.",
        },
        "description": {
            "type": ["string", "null"],
            "description": "New task description.",
        },
        "assignee_id": {
            "type": ["string", "null"],
            "description": "New assignee UUID.",
        },
    },
    "required": ["task_id"],
}

DELETE_TASK_PARAMS = {
    "type": "object",
    "properties": {
        "task_id": {"type": "string", "description": "UUID of the task to delete."},
        "reason": {"type": ["string", "null"], "description": "Reason for deletion."},
    },
    "required": ["task_id"],
}

QUERY_CALENDAR_PARAMS = {
    "type": "object",
    "properties": {
        "start_date": {"type": "string", "description": "Start date (YYYY-MM-DD)."},
        "end_date": {"type": "string", "description": "End date (YYYY-MM-DD)."},
        "customer_id": {
            "type": ["string", "null"],
            "description": "Filter by customer UUID.",
        },
        "max_results": {"type": "integer", "description": "Max results (default 20)."},
    },
    "required": ["start_date", "end_date"],
}

CREATE_CALENDAR_EVENT_PARAMS = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "description": "Event title."},
        "start_time": {"type": "string", "description": "Start time (ISO 8601)."},
        "end_time": {"type": ["string", "null"], "description": "End time (ISO 8601)."},
        "duration_minutes": {
            "type": ["integer", "null"],
            "description": "Duration in minutes (default 60).",
        },
        "description": {
            "type": ["string", "null"],
            "description": "Event description.",
        },
        "location": {"type": ["string", "null"], "description": "Event location."},
        "customer_id": {"type": ["string", "null"], "description": "Customer UUID."},
        "all_day": {
            "type": "boolean",
            "description": "Whether this is an all-day event.",
        },
    },
    "required": ["title", "start_time"],
}

UPDATE_CALENDAR_EVENT_PARAMS = {
    "type": "object",
    "properties": {
        "event_id": {"type": "string", "description": "UUID of the event to update."},
        "title": {"type": ["string", "null"], "description": "New title."},
        "start_time": {"type": ["string", "null"], "description": "New start time."},
        "end_time": {"type": ["string", "null"], "description": "New end time."},
        "duration_minutes": {
            "type": ["integer", "null"],
            "description": "New duration.",
        },
        "description": {"type": ["string", "null"], "description": "New description."},
        "location": {"type": ["string", "null"], "description": "New location."},
    },
    "required": ["event_id"],
}

DELETE_CALENDAR_EVENT_PARAMS = {
    "type": "object",
    "properties": {
        "event_id": {"type": "string", "description": "UUID of the event to delete."},
        "reason": {
            "type": ["string", "null"],
            "description": "Reason for cancellation.",
        },
    },
    "required": ["event_id"],
}

SEND_MEDIA_PARAMS = {
    "type": "object",
    "properties": {
        "document_id": {
            "type": "string",
            "description": "UUID of the document to send.",
        },
        "filename": {"type": "string", "description": "Filename for the media."},
        "caption": {"type": ["string", "null"], "description": "Optional caption."},
    },
    "required": ["document_id", "filename"],
}

CALL_HUMAN_PARAMS = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "description": "Why human attention is needed."},
        "mood": {
            "type": "string",
            "enum": ["positive", "neutral", "negative", "angry", "confused"],
            "description": "Session mood.",
        },
        "attention_reason": {
            "type": "string",
            "description": "Classification for attention.",
        },
    },
    "required": ["summary", "mood", "attention_reason"],
}

TRANSFER_TO_AGENT_PARAMS = {
    "type": "object",
    "properties": {
        "target_agent_name": {
            "type": "string",
            "description": "Name of the agent to transfer to.",
        },
        "conversation_summary": {
            "type": "string",
            "description": "Summary of the conversation so far.",
        },
        "transfer_reason": {"type": "string", "description": "Why transferring."},
    },
    "required": ["target_agent_name", "conversation_summary", "transfer_reason"],
}

CLOSE_SESSION_PARAMS = {
    "type": "object",
    "properties": {
        "reason": {
            "type": "string",
            "description": "Why the session should be closed.",
        },
        "summary": {"type": ["string", "null"], "description": "Resolution summary."},
        "notes": {"type": ["string", "null"], "description": "Notes for reviewers."},
    },
    "required": ["reason"],
}

GENERATE_REPORT_PARAMS = {
    "type": "object",
    "properties": {
        "report_type": {
            "type": "string",
            "enum": ["customer_summary", "deal_pipeline", "performance", "revenue"],
            "description": "Type of report to generate.",
        },
        "time_period": {
            "type": ["string", "null"],
            "enum": ["last_7_days", "last_30_days", "last_90_days", "last_year", None],
            "description": "Time period for the report.",
        },
    },
    "required": ["report_type"],
}


# =====================================================================
# Registration helper
# =====================================================================

# (function, name, description, params, category, tags)
ALL_TOOLS = [
    # CRM
    (
        query_customers,
        "query_customers",
        "Search and list customers in the CRM by name, phone, or email.",
        QUERY_CUSTOMERS_PARAMS,
        "crm",
        ["search", "customer", "list"],
    ),
    (
        get_customer_context,
        "get_customer_context",
        "Get complete context for a customer including profile, tasks, deals, and events.",
        GET_CUSTOMER_CONTEXT_PARAMS,
        "crm",
        ["customer", "context", "profile"],
    ),
    (
        get_crm_summary,
        "get_crm_summary",
        "Get high-level CRM overview: customers, deal pipeline, task backlog, key metrics.",
        GET_CRM_SUMMARY_PARAMS,
        "crm",
        ["summary", "metrics", "overview"],
    ),
    (
        create_customer,
        "create_customer",
        "Create a new customer in the CRM system.",
        CREATE_CUSTOMER_PARAMS,
        "crm",
        ["create", "customer"],
    ),
    (
        update_customer,
        "update_customer",
        "Update an existing customer's details (name, email, phone, status).",
        UPDATE_CUSTOMER_PARAMS,
        "crm",
        ["update", "customer", "edit"],
    ),
    (
        delete_customer,
        "delete_customer",
        "Delete a customer from the CRM.",
        DELETE_CUSTOMER_PARAMS,
        "crm",
        ["delete", "customer", "remove"],
    ),
    # Sales
    (
        query_deals,
        "query_deals",
        "List and search deals in the sales pipeline with filtering.",
        QUERY_DEALS_PARAMS,
        "sales",
        ["deals", "pipeline", "search"],
    ),
    (
        create_deal,
        "create_deal",
        "Create a new deal in the CRM to track a potential sale.",
        CREATE_DEAL_PARAMS,
        "sales",
        ["create", "deal"],
    ),
    (
        update_deal,
        "update_deal",
        "Update an existing deal's details (name, amount, stage, status).",
        UPDATE_DEAL_PARAMS,
        "sales",
        ["update", "deal", "edit"],
    ),
    (
        delete_deal,
        "delete_deal",
        "Delete a deal from the sales pipeline.",
        DELETE_DEAL_PARAMS,
        "sales",
        ["delete", "deal", "remove"],
    ),
    # Tasks
    (
        query_tasks,
        "query_tasks",
        "List and search tasks with filtering for status, priority, and overdue.",
        QUERY_TASKS_PARAMS,
        "tasks",
        ["tasks", "todo", "search"],
    ),
    (
        create_task,
        "create_task",
        "Create a new task for follow-ups, reminders, or action items.",
        CREATE_TASK_PARAMS,
        "tasks",
        ["create", "task", "todo"],
    ),
    (
        update_task,
        "update_task",
        "Update an existing task's details (title, due date, priority, status).",
        UPDATE_TASK_PARAMS,
        "tasks",
        ["update", "task", "edit"],
    ),
    (
        delete_task,
        "delete_task",
        "Delete a task.",
        DELETE_TASK_PARAMS,
        "tasks",
        ["delete", "task", "remove"],
    ),
    # Calendar
    (
        query_calendar,
        "query_calendar",
        "Query calendar events to check availability and view schedules.",
        QUERY_CALENDAR_PARAMS,
        "calendar",
        ["schedule", "events", "availability"],
    ),
    (
        create_calendar_event,
        "create_calendar_event",
        "Create a new calendar event (appointment, meeting).",
        CREATE_CALENDAR_EVENT_PARAMS,
        "calendar",
        ["create", "event", "appointment"],
    ),
    (
        update_calendar_event,
        "update_calendar_event",
        "Update an existing calendar event.",
        UPDATE_CALENDAR_EVENT_PARAMS,
        "calendar",
        ["update", "event", "reschedule"],
    ),
    (
        delete_calendar_event,
        "delete_calendar_event",
        "Cancel and delete a calendar event.",
        DELETE_CALENDAR_EVENT_PARAMS,
        "calendar",
        ["delete", "cancel", "event"],
    ),
    # Communication
    (
        send_media,
        "send_media",
        "Send media files (PDFs, images) to customers via WhatsApp.",
        SEND_MEDIA_PARAMS,
        "communication",
        ["media", "whatsapp", "send"],
    ),
    (
        call_human,
        "call_human",
        "Request human attention for the current conversation.",
        CALL_HUMAN_PARAMS,
        "communication",
        ["human", "escalate", "attention"],
    ),
    (
        transfer_to_agent,
        "transfer_to_agent",
        "Transfer conversation to another specialist agent.",
        TRANSFER_TO_AGENT_PARAMS,
        "communication",
        ["transfer", "handoff", "agent"],
    ),
    # Session
    (
        close_session,
        "close_session",
        "Signal that the current session should be closed.",
        CLOSE_SESSION_PARAMS,
        "session",
        ["close", "end"],
    ),
    (
        generate_report,
        "generate_report",
        "Generate a PDF report with CRM data.",
        GENERATE_REPORT_PARAMS,
        "session",
        ["report", "pdf", "export"],
    ),
]


def _build_simulation() -> tuple[
    LLMClient, ToolFactory, InMemoryToolCatalog, ToolSession
]:
    """Register all 23 CRM tools + meta-tools and return a ready-to-use simulation."""
    factory = ToolFactory()

    for func, name, description, params, category, tags in ALL_TOOLS:
        factory.register_tool(
            function=func,
            name=name,
            description=description,
            parameters=params,
            category=category,
            tags=tags,
        )

    catalog = InMemoryToolCatalog(factory)
    factory.set_catalog(catalog)
    factory.register_meta_tools()

    session = ToolSession()
    session.load(["browse_toolkit", "load_tools"])

    return factory, catalog, session


SYSTEM_PROMPT = (
    "You are a CRM assistant for a business. You have browse_toolkit and load_tools available.\n\n"
    "Protocol:\n"
    "1. browse_toolkit to discover relevant tools (search by keyword or category)\n"
    "2. load_tools to activate the tools you need\n"
    "3. Call the loaded tools to complete the task\n\n"
    "Efficiency rules:\n"
    "- Load only the tools you need for the current step, not everything in the catalog.\n"
    "- Loaded tools stay active. Do not re-browse or re-load tools you already have.\n"
    "- If you need tools from different categories, load them together in one load_tools call.\n"
    "- Only browse again if you need to discover tools for a genuinely new topic.\n"
    "- After loading, proceed directly to calling the tools."
)


def _make_error_handler(test_name: str):
    """Return a context-manager-like error handler for integration tests."""

    class _Handler:
        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc_val, exc_tb):
            if exc_type is None:
                return False
            if issubclass(exc_type, ConfigurationError):
                pytest.fail(f"[{test_name}] ConfigurationError: {exc_val}")
            if issubclass(exc_type, ToolError):
                pytest.fail(f"[{test_name}] ToolError: {exc_val}")
            if issubclass(exc_type, ProviderError):
                err = str(exc_val).lower()
                if "authentication" in err:
                    pytest.fail(f"[{test_name}] Auth Error: {exc_val}")
                if "rate limit" in err:
                    pytest.skip(f"[{test_name}] Rate limit: {exc_val}")
                pytest.fail(f"[{test_name}] ProviderError: {exc_val}")
            if issubclass(exc_type, (UnsupportedFeatureError, LLMToolkitError)):
                pytest.fail(f"[{test_name}] {exc_type.__name__}: {exc_val}")
            return False

    return _Handler()


# =====================================================================
# Test 1: CRM summary query
# =====================================================================


@pytest.mark.skipif(skip_openai, reason=skip_reason_openai)
async def test_crm_query_scenario(openai_test_model: str) -> None:
    """Agent discovers CRM tools, loads get_crm_summary, and reports metrics."""
    print("\n--- Simulation: CRM Summary Query ---")

    with _make_error_handler("crm_query"):
        factory, catalog, session = _build_simulation()
        client = LLMClient(model=openai_test_model, tool_factory=factory)

        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": "How many customers do we have? Give me a CRM overview.",
            },
        ]

        result = await client.generate(
            input=messages,
            model=openai_test_model,
            temperature=0.0,
            tool_session=session,
        )

        _safe_print(f"Response: {result.content[:300] if result.content else 'None'}")
        print(f"Active tools: {session.list_active()}")

        # Verify the agent loaded and used CRM tools
        assert session.is_active("get_crm_summary") or session.is_active(
            "query_customers"
        ), f"Expected CRM tool loaded. Active: {session.list_active()}"
        assert result.content is not None
        # The mock returns "156" as total customers
        assert "156" in result.content or "customer" in result.content.lower(), (
            f"Expected CRM data in response: {result.content}"
        )
        print("CRM summary test passed.")


# =====================================================================
# Test 2: Calendar booking (multi-tool chain)
# =====================================================================


@pytest.mark.skipif(skip_openai, reason=skip_reason_openai)
async def test_calendar_booking_scenario(openai_test_model: str) -> None:
    """Agent checks schedule and creates a calendar event."""
    print("\n--- Simulation: Calendar Booking ---")

    with _make_error_handler("calendar_booking"):
        factory, catalog, session = _build_simulation()
        client = LLMClient(model=openai_test_model, tool_factory=factory)

        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": (
                    "Book a haircut appointment for Maria Silva on 2026-02-10 at 2pm. "
                    "First check my calendar for that day, then create the event."
                ),
            },
        ]

        result = await client.generate(
            input=messages,
            model=openai_test_model,
            temperature=0.0,
            tool_session=session,
            max_tool_iterations=10,
        )

        _safe_print(f"Response: {result.content[:300] if result.content else 'None'}")
        print(f"Active tools: {session.list_active()}")

        # Agent should have loaded calendar tools
        has_calendar = session.is_active("create_calendar_event") or session.is_active(
            "query_calendar"
        )
        assert has_calendar, (
            f"Expected calendar tool loaded. Active: {session.list_active()}"
        )
        assert result.content is not None
        # The agent may create the event or detect a conflict and ask —
        # either way it should mention the appointment context
        content_lower = result.content.lower()
        assert any(
            w in content_lower
            for w in [
                "created",
                "booked",
                "scheduled",
                "conflict",
                "maria",
                "haircut",
            ]
        ), f"Expected calendar-related response: {result.content}"
        print("Calendar booking test passed.")


# =====================================================================
# Test 3: Task creation
# =====================================================================


@pytest.mark.skipif(skip_openai, reason=skip_reason_openai)
async def test_task_creation_scenario(openai_test_model: str) -> None:
    """Agent discovers task tools and creates a follow-up task."""
    print("\n--- Simulation: Task Creation ---")

    with _make_error_handler("task_creation"):
        factory, catalog, session = _build_simulation()
        client = LLMClient(model=openai_test_model, tool_factory=factory)

        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": "Create a follow-up task to call Joao Santos. Due date: 2026-02-14. Priority: High.",
            },
        ]

        result = await client.generate(
            input=messages,
            model=openai_test_model,
            temperature=0.0,
            tool_session=session,
        )

        _safe_print(f"Response: {result.content[:300] if result.content else 'None'}")
        print(f"Active tools: {session.list_active()}")

        assert session.is_active("create_task"), (
            f"Expected create_task loaded. Active: {session.list_active()}"
        )
        assert result.content is not None
        content_lower = result.content.lower()
        assert "task" in content_lower and (
            "created" in content_lower or "success" in content_lower
        ), f"Expected task creation confirmation: {result.content}"
        print("Task creation test passed.")


# =====================================================================
# Test 4: Customer lookup
# =====================================================================


@pytest.mark.skipif(skip_openai, reason=skip_reason_openai)
async def test_customer_lookup_scenario(openai_test_model: str) -> None:
    """Agent finds and uses customer query tools."""
    print("\n--- Simulation: Customer Lookup ---")

    with _make_error_handler("customer_lookup"):
        factory, catalog, session = _build_simulation()
        client = LLMClient(model=openai_test_model, tool_factory=factory)

        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": (
                    "Search for the customer with phone number +5511999998888 "
                    "and tell me their name and status."
                ),
            },
        ]

        result = await client.generate(
            input=messages,
            model=openai_test_model,
            temperature=0.0,
            tool_session=session,
            max_tool_iterations=10,
        )

        _safe_print(f"Response: {result.content[:300] if result.content else 'None'}")
        print(f"Active tools: {session.list_active()}")

        # Should have loaded customer tools
        has_crm_tool = session.is_active("query_customers") or session.is_active(
            "get_customer_context"
        )
        assert has_crm_tool, (
            f"Expected customer tool loaded. Active: {session.list_active()}"
        )
        # The agent may hit max iterations; check session state as primary assertion
        # If it did produce content, verify it mentions the customer
        if result.content and "Tool executions completed" not in result.content:
            assert (
                "maria" in result.content.lower() or "5511999998888" in result.content
            ), f"Expected customer data in response: {result.content}"
        print("Customer lookup test passed.")


# =====================================================================
# Test 5: Cross-category workflow (calendar + tasks)
# =====================================================================


@pytest.mark.skipif(skip_openai, reason=skip_reason_openai)
async def test_full_workflow_scenario(openai_test_model: str) -> None:
    """Agent checks schedule then creates follow-up tasks — crossing categories."""
    print("\n--- Simulation: Full Workflow (Calendar + Tasks) ---")

    with _make_error_handler("full_workflow"):
        factory, catalog, session = _build_simulation()
        client = LLMClient(model=openai_test_model, tool_factory=factory)

        messages = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {
                "role": "user",
                "content": (
                    "Check my calendar for 2026-02-06 and then create a follow-up task "
                    "for each customer who had an appointment today. "
                    "Set the tasks due for 2026-02-13 with Medium priority."
                ),
            },
        ]

        result = await client.generate(
            input=messages,
            model=openai_test_model,
            temperature=0.0,
            tool_session=session,
            max_tool_iterations=15,
        )

        _safe_print(f"Response: {result.content[:400] if result.content else 'None'}")
        print(f"Active tools: {session.list_active()}")

        # Should have loaded both calendar AND task tools
        assert session.is_active("query_calendar"), (
            f"Expected query_calendar loaded. Active: {session.list_active()}"
        )
        # The agent may or may not create tasks depending on iteration budget,
        # but it should at least have discovered and loaded the right tools
        assert result.content is not None
        print("Full workflow test passed.")
