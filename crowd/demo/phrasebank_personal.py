"""Phrase banks for the preamble and the first foundation, "Get Personal".

Each block is one subtopic: a header line `topic KEY appeal=A lean=role:+x,...`, then banks (`claim:`,
`problem:`, `story:`, `staff:`, `suggestion:`, `question:`), one fragment a line. `crowd.demo.topics`
parses them.
"""

PREAMBLE = """
topic prevention appeal=0.78 lean=other:+0.05
claim:
The declaration should say more about keeping people well, not just treating them when they are ill.
Prevention has to be in the preamble, not an afterthought.
Healthy life for as long as possible is the right ambition, but it needs to start in schools and workplaces.
Staying independent at home is what most older people want, and the draft is right to say so.
problem:
Most of the money still goes on hospitals once things have already gone wrong.
Public health budgets have been cut year after year while everyone talks about prevention.
People only get help when they hit a crisis, and by then it costs everyone more.
story:
My dad's diabetes was only picked up when he ended up in A&E with a foot ulcer.
I spent two years asking for help with my weight and only got referred after my knee gave way.
My neighbour is ninety and still lives alone because the falls service came out early and sorted her house.
staff:
In primary care we see the same preventable admissions every winter and we know who they will be.
As a health visitor I can see problems coming years before anyone funds a response.
Social prescribing link workers are doing real prevention work but most people have never heard of them.
suggestion:
Put a clear commitment to prevention in the preamble, with money attached.
Every borough should have a simple plan for keeping people out of hospital, written with local people.
Fund community groups that keep people active and connected, they do more than any leaflet.
Make health checks easy to get in the evenings and at weekends, in places people already go.
question:
Where does prevention fit in the four foundations, or is it meant to run through all of them?
Who will actually pay for prevention when every budget is already stretched?

topic inequalities appeal=0.74 lean=service_user:+0.06,other:+0.06
claim:
London is not one place: what you get depends far too much on your postcode.
The declaration must name health inequalities between boroughs and communities out loud.
One London has to mean the same standard of care in Barking as in Kensington.
Racism and discrimination in care need to be said plainly, not hidden behind nice words.
problem:
Life expectancy drops by years as you travel a few stops east on the Jubilee line.
Some communities do not trust services because of how they have been treated before.
People on low incomes cannot take a day off work to sit in a waiting room.
story:
My family moved two miles across a borough boundary and lost a service my son had used for years.
When I asked for an interpreter for my mother they told me to bring my teenage daughter instead.
I am a wheelchair user and half the clinics near me still have steps at the door.
staff:
We see the gap every day: the same condition presents much later in our most deprived wards.
As a GP in the east end I have twice the list size of some practices in the west and half the staff.
Our data on ethnicity is so incomplete that we cannot even measure the inequalities properly.
suggestion:
Make reducing inequalities a named test for every part of the declaration.
Report every outcome by borough, ethnicity and deprivation so gaps cannot be hidden.
Spend more where need is greatest, not equal amounts everywhere.
Involve community and faith groups from the start, not as a tick box at the end.
question:
How will the declaration make sure the most excluded groups are actually heard in this process?
Will boroughs that do worse get more support, or just more league tables?

topic plain_language appeal=0.7 lean=service_user:+0.08,carer:+0.08,staff:-0.05
claim:
The draft is a good start but some of the language is still very NHS.
Please write the declaration so my mum could read it on her phone.
A declaration is only useful if ordinary people can hold services to it.
I like that it is short, please keep it short.
problem:
Words like system, pathway and integration mean nothing to most people.
People stop reading when a document starts with a paragraph of management speak.
Promises that cannot be checked are just words on a poster.
story:
I read the draft out to my carers group and half of them asked what a foundation was.
I showed this to my son who has a learning disability and he said it was too long.
Last time we were asked to comment on a strategy nobody ever told us what happened next.
staff:
We need something staff can put on the wall of the ward and actually mean.
If it is going to change practice it has to be something a care worker can explain in one sentence.
Every organisation already has a values statement nobody remembers, this has to be different.
suggestion:
Publish an easy read version and versions in the main community languages.
Test the wording with people who use services before it is finalised.
Give each foundation a promise in plain words and one thing we can check.
Tell us what changed because of this consultation.
question:
Will there be an easy read version of the final declaration?
Who decides the final wording, and will we see the changes?
"""

GET_PERSONAL = """
topic care_plans appeal=0.8 lean=service_user:+0.08,carer:+0.06
claim:
Care plans should be written with the person, not about them in a meeting they are not at.
I want to own my care plan and be able to change it when my life changes.
The plan should start with what matters to me, not with what the service offers.
Personalised care has to mean more than putting my name at the top of a form.
problem:
My care plan is a document other people write and I never see.
Plans get written once and then sit in a drawer while everything changes.
Every service has its own plan, and none of them talk to each other.
story:
When my mum came out of hospital nobody had asked her what she actually wanted, she just wanted to get back to her garden.
I have had three care plans in two years and I only saw one of them.
My husband has dementia and his plan says he likes tea, he has never drunk tea in his life.
When I finally got a plan written with me, it was the first time I felt in charge of my own care.
staff:
As a care coordinator I know a good plan takes time we are rarely given.
Our care plans are built for audit, not for the person reading them.
Person centred care planning training helped our team more than any new system.
suggestion:
Give everyone a copy of their plan in plain English, on paper or on their phone.
Start every plan with the question what matters to you.
Review the plan when something changes, not just once a year.
Let people write their own goals in their own words.
Make the plan work across services so everyone reads the same one.
question:
How do you write a plan with someone who has no capacity and no family?
Who is responsible for making sure the plan is actually followed?

topic named_coordinator appeal=0.82 lean=carer:+0.08,service_user:+0.06,staff:-0.03
claim:
Everyone with complex needs should have one named person they can ring.
A named care coordinator would make the biggest difference of anything in this draft.
I do not want a phone line, I want a person who knows me.
Continuity matters: the same person, not whoever is on shift.
problem:
You ring the number and get a different person every time, who has to read your notes first.
Nobody owns the whole picture, so things get dropped between teams.
Families end up being the care coordinator without any support or authority.
story:
For my son the only person who ever joined things up was a nurse who then left, and it all fell apart again.
After my stroke I had eleven different people visit in the first month and none of them knew what the others were doing.
I am the coordinator for my wife's care and it is a full time job on top of my full time job.
staff:
As a district nurse I end up coordinating by default because nobody else has the time.
Caseloads of eighty plus make real continuity impossible for care coordinators.
We tried a named worker model in our neighbourhood team and complaints dropped by half.
suggestion:
Give every person with long term conditions a named coordinator and publish their direct number.
Keep the same coordinator for at least a year unless the person asks for a change.
Let the coordinator have a small budget to sort out problems without three approval forms.
Make sure carers know who the named person is from day one.
question:
Which organisation would employ the named coordinator, the GP, the council or the trust?
What happens when the named person is on leave or off sick?

topic tell_story_once appeal=0.84 lean=service_user:+0.14,carer:+0.1,staff:-0.04
claim:
I should only have to tell my story once.
Please stop making people repeat their whole history at every appointment.
Telling your story over and over is exhausting and sometimes traumatic.
One assessment should be enough for everyone involved in my care.
problem:
Every new person starts from scratch with the same twenty questions.
Forms ask for the same information again and again because the systems do not share.
People with mental health problems have to relive the worst times of their lives for every referral.
story:
I have told my story to fourteen different professionals this year and I still have to start from the beginning each time.
When my daughter was diagnosed we told the same story at the GP, the hospital, the school nurse and social services.
After my husband died I had to explain it again to every single service that called, it broke me each time.
staff:
A single assessment shared between health and social care would save us hours and save people distress.
We duplicate assessments because we are not allowed to rely on another organisation's paperwork.
Trusted assessor models work, we just need permission to use them across organisations.
suggestion:
Build one shared assessment that every service can read with the person's permission.
Let people write a short about me page that goes with them everywhere.
Make it a rule that staff read the notes before asking the person to repeat themselves.
Ask people once, record it properly, and check it back with them.
question:
Who would keep the single story up to date, and how would I correct it if it is wrong?
Would I be able to see who has read my story?

topic carers_partners appeal=0.79 lean=carer:+0.16,staff:-0.04
claim:
Unpaid carers must be treated as partners in care, not visitors.
Carers hold services together and the draft should say so clearly.
Carers need to be asked what they can manage, not told what they will be doing.
Young carers are invisible in this draft and they should not be.
problem:
Carers are left out of discharge planning and then expected to do everything at home.
Confidentiality gets used as an excuse not to talk to carers at all.
Carers assessments happen years late, if they happen at all.
story:
I cared for my mum for nine years and nobody ever asked how I was coping.
The ward discharged my dad at nine at night and told me on the phone that he was coming home.
I was told they could not discuss my son's medication with me, then asked to give it to him every day.
My daughter was twelve when she started caring for me and no school or doctor ever noticed.
staff:
We should be recording carers on every record and flagging them to the carers support service.
Carers are our biggest workforce and we treat them as an afterthought in care planning.
As a social worker I can offer a carers assessment but there is often nothing to offer afterwards.
suggestion:
Include carers in every care planning conversation where the person agrees.
Give carers a named contact and a carers passport that every hospital recognises.
Offer proper breaks, not just a leaflet about respite.
Identify young carers through schools and GP surgeries and support them early.
question:
How will services know who the carer is if it is not on any record?
What support will carers get when they can no longer cope?

topic accessible_info appeal=0.76 lean=service_user:+0.1,other:+0.05,staff:-0.06
claim:
Information has to be accessible to everyone, in the right language and format.
Professional interpreters should be standard, not something you have to fight for.
Not everyone is online, and the declaration needs to remember that.
Deaf people need BSL interpreters booked properly, not a pen and paper.
problem:
Letters arrive in English only, full of jargon, sometimes after the appointment.
Everything is moving to apps and websites and many older people are being left behind.
Telephone interpreting drops out and people are too embarrassed to ask again.
story:
My mother speaks Bengali and has relied on family to interpret for thirty years.
I am partially sighted and still get appointment letters in tiny print.
When I lost my phone I could not see my test results or book anything, I was completely cut off.
staff:
Interpreting budgets are the first thing to be squeezed and we end up using family members.
The accessible information standard exists but hardly anyone checks we meet it.
Our easy read leaflets are ten years out of date because nobody owns them.
suggestion:
Book interpreters automatically when the record says a person needs one.
Always offer a paper or phone option alongside digital.
Write every letter in plain English and send it in the format the person asked for.
Use short videos in community languages to explain how services work.
question:
Who pays for interpreters when care is shared between several organisations?
How will people without smartphones get the same access?
"""
