"""Demo: Circular 16 on one of today's needs. The demo school (school@demo.vn's) names
its receiving team, publishes the usage plan of its first verified need for comment, and
the demo donor comments twice: one comment published by the school, one waiting.

Everything goes through receiving.teams and receiving.plans, so the history is real.
Found first (the school's team, the need's plan), so a second run changes nothing."""

from django.contrib.auth import get_user_model

from needs.models import Need
from schools.models import School

from . import plans, teams
from .models import PlanComment, ReceivingTeam, TeamMember, UsagePlan

SCHOOL_CODE = "11099012"  # school@demo.vn's school (schools.demo.USERS)

TEAM = [
    ("Lò Văn Thành", "Hiệu trưởng", TeamMember.Role.HEAD),
    ("Quàng Thị Mai", "Phó Hiệu trưởng", TeamMember.Role.DEPUTY),
    ("Lường Văn Dũng", "Kế toán", TeamMember.Role.SECRETARY),
    ("Tòng Thị Hương", "Giáo viên, Chủ tịch Công đoàn", TeamMember.Role.MEMBER),
    ("Cà Văn Pâng", "Trưởng ban đại diện cha mẹ học sinh", TeamMember.Role.MEMBER),
]
METHOD = (
    "Nhà trường lấy ba báo giá của các nhà cung cấp trong tỉnh và chọn giá hợp lý nhất; "
    "tổ tiếp nhận tài trợ giám sát việc thi công, lắp đặt và nghiệm thu cùng đại diện cha mẹ học sinh."
)
COMMENTS = [
    ("Nên làm thêm mái che lối đi từ lớp học sang để các em không bị ướt khi trời mưa.", "publish"),
    ("Đề nghị nhà trường công khai cả ba báo giá trên bảng tin của trường.", None),
]


def _demo_need(school):
    return (
        Need.objects.filter(school=school, status=Need.Status.VERIFIED, lunch_pupils__isnull=True)
        .order_by("pk")
        .first()
    )


def load(out) -> None:
    User = get_user_model()
    school = School.objects.filter(code=SCHOOL_CODE).first()
    clerk = User.objects.filter(email="school@demo.vn").first()
    donor = User.objects.filter(email="donor@demo.vn").first()
    if school is None or clerk is None or donor is None:
        return
    if not ReceivingTeam.objects.filter(school=school).exists():
        teams.team_save(
            school=school,
            actor=clerk,
            decision_reference="15/QĐ-THCS, 05/09/2025",
            members=[teams.Member(*row) for row in TEAM],
        )
        out(f"  receiving team of {school.name}: {len(TEAM)} people")
    need = _demo_need(school)
    if need is None or UsagePlan.objects.filter(need=need).exists():
        return
    fields, lines = plans.initial_from_need(need)
    fields["method"] = METHOD
    plan = plans.plan_save(need=need, actor=clerk, lines=[plans.Line(**line) for line in lines], **fields)
    plan = plans.plan_publish(plan=plan, actor=clerk)
    for body, action in COMMENTS:
        comment = plans.comment_post(plan=plan, author=donor, body=body)
        if action:
            plans.comment_moderate(comment=comment, actor=clerk, action=action)
    waiting = PlanComment.objects.filter(plan=plan, status=PlanComment.Status.PENDING).count()
    out(f"  usage plan of “{need.title}” published, comments open; {waiting} comment waiting")
